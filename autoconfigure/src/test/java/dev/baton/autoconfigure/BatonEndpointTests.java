package dev.baton.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.baton.redis.RedisKeyspace;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code baton} endpoint on two instances of one application (two contexts on one Redis):
 * each lists what it does itself; either answers who holds a key across the cluster.
 */
class BatonEndpointTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
				KeyedMutexAutoConfiguration.class, DistributedLockAutoConfiguration.class,
				BatonActuatorAutoConfiguration.class))
		.withConfiguration(BootAutoConfigurations.redis())
		.withPropertyValues(RedisTestServers.shared().springProperties())
		.withPropertyValues("baton.redis.key-prefix=endpoint" + System.nanoTime())
		.withBean(Stock.class);

	private final ApplicationContextRunner exposed = this.runner
		.withPropertyValues("management.endpoints.web.exposure.include=baton");

	@Test
	void isNotThereUnlessExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(BatonEndpoint.class)
			.doesNotHaveBean(Activity.class));
	}

	@Test
	void answersUnderActuatorBatonAndActuatorBatonLocksKey() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class, DistributedLockAutoConfiguration.class,
					BatonActuatorAutoConfiguration.class, EndpointAutoConfiguration.class,
					WebEndpointAutoConfiguration.class))
			.withConfiguration(BootAutoConfigurations.redis())
			.withPropertyValues(RedisTestServers.shared().springProperties())
			.withPropertyValues("management.endpoints.web.exposure.include=baton")
			.run((context) -> {
				ExposableWebEndpoint baton = context.getBean(WebEndpointsSupplier.class)
					.getEndpoints()
					.stream()
					.filter((endpoint) -> endpoint.getEndpointId().toString().equals("baton"))
					.findFirst()
					.orElseThrow();
				assertThat(baton.getOperations()).extracting((operation) -> operation.getRequestPredicate().getPath())
					.containsExactlyInAnyOrder("baton", "baton/{section}/{key}");
			});
	}

	@Test
	void listsAHeldLockAndItsWaiterAcrossTwoInstances() {
		CountDownLatch release = new CountDownLatch(1);
		this.exposed.withPropertyValues("baton.actuator.show-keys=true").run((first) -> {
			this.exposed.withPropertyValues("baton.actuator.show-keys=true").run((second) -> {
				BatonEndpoint one = first.getBean(BatonEndpoint.class);
				BatonEndpoint two = second.getBean(BatonEndpoint.class);
				CompletableFuture<Void> holder = CompletableFuture
					.runAsync(() -> first.getBean(Stock.class).hold("sku-1", release));
				await().atMost(Duration.ofSeconds(10)).until(() -> !locks(one, "held").isEmpty());
				CompletableFuture<Void> waiter = CompletableFuture
					.runAsync(() -> second.getBean(Stock.class).hold("sku-1", new CountDownLatch(0)));
				await().atMost(Duration.ofSeconds(10))
					.until(() -> (int) one.lock("locks", "sku-1").get("queueLength") == 1);
				try {
					assertThat(locks(one, "held")).singleElement().satisfies((held) -> {
						assertThat(held).containsEntry("name", "stock").containsEntry("keys", "sku-1")
							.containsEntry("waitersHere", 0L).containsKey("since");
					});
					assertThat(locks(two, "waiting")).singleElement()
						.satisfies((waiting) -> assertThat(waiting).containsEntry("name", "stock").containsEntry("keys", "sku-1"));
					Map<String, Object> seenByOne = one.lock("locks", "sku-1");
					assertThat(seenByOne).containsEntry("held", true).containsEntry("format", 1)
						.containsEntry("queueLength", 1)
						.containsKeys("leaseLeft", "lastFencingToken");
					String holderInstance = instance(seenByOne.get("holder"));
					List<?> waiters = (List<?>) seenByOne.get("waiters");
					assertThat(waiters).singleElement().satisfies((w) -> assertThat(instance(w)).isNotEqualTo(holderInstance));
					assertThat(instance(two.lock("locks", "sku-1").get("holder"))).isEqualTo(holderInstance);
				}
				finally {
					release.countDown();
				}
				holder.get(10, TimeUnit.SECONDS);
				waiter.get(10, TimeUnit.SECONDS);
				await().atMost(Duration.ofSeconds(10)).until(() -> one.lock("locks", "sku-1").get("held").equals(false));
				assertThat(locks(one, "held")).isEmpty();
				assertThat(locks(two, "waiting")).isEmpty();
			});
		});
	}

	@Test
	void showsALockKeptInALaterFormatAsHeldWithItsFormatWithoutReadingItsHolder() {
		this.exposed.run((context) -> {
			String lockKey = context.getBean(RedisKeyspace.class).key("lock", "sku-2");
			new StringRedisTemplate(context.getBean(RedisConnectionFactory.class)).opsForValue()
				.set(lockKey, "@2:0d5c1ab4-7d16-4b8e-9d0e-2f6a1f0e9c31:7", Duration.ofSeconds(30));
			assertThat(context.getBean(BatonEndpoint.class).lock("locks", "sku-2")).containsEntry("held", true)
				.containsEntry("format", 2)
				.containsKey("leaseLeft")
				.doesNotContainKey("holder");
		});
	}

	@Test
	void showsNamesAndTimesButNotKeysByDefault() {
		CountDownLatch release = new CountDownLatch(1);
		this.exposed.run((context) -> {
			BatonEndpoint endpoint = context.getBean(BatonEndpoint.class);
			CompletableFuture<Void> holder = CompletableFuture
				.runAsync(() -> context.getBean(Stock.class).hold("secret-user", release));
			try {
				await().atMost(Duration.ofSeconds(10)).until(() -> !locks(endpoint, "held").isEmpty());
				assertThat(locks(endpoint, "held")).singleElement()
					.satisfies((held) -> assertThat(held).containsEntry("name", "stock").doesNotContainKey("keys"));
				assertThat(endpoint.baton().toString()).doesNotContain("secret-user");
				assertThat(endpoint.baton()).containsEntry("keyedMutex", Map.of("keysInUse", 0));
			}
			finally {
				release.countDown();
			}
			holder.get(10, TimeUnit.SECONDS);
		});
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> locks(BatonEndpoint endpoint, String which) {
		return (List<Map<String, Object>>) ((Map<String, Object>) endpoint.baton().get("locks")).get(which);
	}

	private static String instance(Object owner) {
		return (String) ((Map<?, ?>) owner).get("instance");
	}

	public static class Stock {

		@dev.baton.annotation.DistributedLock(key = "#sku", name = "stock", waitTime = "10s")
		public void hold(String sku, CountDownLatch release) {
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
