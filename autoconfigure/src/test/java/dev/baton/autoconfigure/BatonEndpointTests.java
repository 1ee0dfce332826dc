package dev.baton.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.baton.ai.AiGatewayClient;
import dev.baton.ai.AiGatewayException;
import dev.baton.ai.ChatCompletion;
import dev.baton.ai.ChatRequest;
import dev.baton.ai.FakeOpenAiServer;
import dev.baton.lock.LockContext;
import dev.baton.redis.RedisKeyspace;
import dev.baton.test.RedisTestServer;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

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
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.tuple;
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
					// The holder never asked for its token, so none was reserved.
					assertThat(seenByOne).containsEntry("held", true).containsEntry("format", 1)
						.containsEntry("queueLength", 1)
						.containsKey("leaseLeft")
						.doesNotContainKey("lastFencingToken");
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
				assertThat(endpoint.baton()).containsEntry("keyedMutex", Map.of("keysInUse", 0))
					.as("no AI client, no budgets").doesNotContainKey("ai");
			}
			finally {
				release.countDown();
			}
			holder.get(10, TimeUnit.SECONDS);
		});
	}

	@Test
	void listsTheFencingTokenThatEachHoldingMethodSees() {
		CountDownLatch release = new CountDownLatch(1);
		Sinks.Empty<Void> reactiveRelease = Sinks.empty();
		this.exposed.run((context) -> {
			BatonEndpoint endpoint = context.getBean(BatonEndpoint.class);
			Stock stock = context.getBean(Stock.class);
			CompletableFuture<Long> blocking = CompletableFuture.supplyAsync(() -> stock.fenced("sku-1", release));
			CompletableFuture<Long> reactive = stock.fencedReactive("sku-2", reactiveRelease.asMono()).toFuture();
			try {
				await().atMost(Duration.ofSeconds(10))
					.until(() -> locks(endpoint, "held").size() == 2 && stock.seen().size() == 2);
				assertThat(locks(endpoint, "held"))
					.extracting((held) -> held.get("name"), (held) -> held.get("fencingToken"))
					.containsExactlyInAnyOrder(tuple("stock", stock.seen().get("sku-1")),
							tuple("reactive-stock", stock.seen().get("sku-2")));
			}
			finally {
				release.countDown();
				reactiveRelease.tryEmitEmpty();
			}
			assertThat(blocking.get(10, TimeUnit.SECONDS)).isEqualTo(stock.seen().get("sku-1"));
			assertThat(reactive.get(10, TimeUnit.SECONDS)).isEqualTo(stock.seen().get("sku-2"));
			await().atMost(Duration.ofSeconds(10)).until(() -> locks(endpoint, "held").isEmpty());
		});
	}

	@Test
	void listsTheAiBudgetsLeftAndAPauseAfterA429() {
		try (FakeOpenAiServer upstream = FakeOpenAiServer.start()) {
			withAi(this.exposed, upstream).run((context) -> {
				BatonEndpoint endpoint = context.getBean(BatonEndpoint.class);
				AiGatewayClient client = context.getBean(AiGatewayClient.class);
				long used = 0;
				for (int i = 0; i < 3; i++) {
					used += tokens(client.chatBlocking(ChatRequest.of("question " + i)));
				}
				Map<String, Object> ai = ai(endpoint);
				assertThat(ai).containsEntry("scope", "local").containsEntry("paused", false).doesNotContainKey("pausedUntil");
				assertThat(budget(ai, "requests")).containsEntry("limit", 36_000L).containsEntry("window", "PT1H");
				assertThat((long) budget(ai, "requests").get("left")).isBetween(35_990L, 36_000L);
				assertThat(budget(ai, "tokens")).containsEntry("limit", 3_600L).containsEntry("window", "PT1H");
				assertThat((long) budget(ai, "tokens").get("left")).as("the tokens used, less a token a second refilled")
					.isBetween(3_600 - used, 3_600 - used + 30);
				assertThat(ai.get("calls")).isEqualTo(Map.of("inFlight", 0, "limit", 4, "waiting", 0));
				assertThat(budget(ai(endpoint), "tokens").get("left")).as("looking spends nothing")
					.isEqualTo(budget(ai, "tokens").get("left"));
				Instant before = Instant.now();
				assertThatExceptionOfType(AiGatewayException.class)
					.isThrownBy(() -> client.chatBlocking(ChatRequest.of("__retry_after_a_day__")))
					.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(429));
				Map<String, Object> paused = ai(endpoint);
				assertThat(paused).containsEntry("paused", true);
				assertThat(Instant.parse((String) paused.get("pausedUntil"))).as("the day's Retry-After, capped to 20s")
					.isBetween(before.plusSeconds(19), Instant.now().plusSeconds(20));
			});
		}
	}

	@Test
	void listsTheClusterBudgetsThatTwoInstancesShare() {
		try (FakeOpenAiServer upstream = FakeOpenAiServer.start()) {
			ApplicationContextRunner cluster = withAi(this.exposed, upstream)
				.withPropertyValues("baton.ai.cluster-limits=true");
			cluster.run((first) -> cluster.run((second) -> {
				BatonEndpoint one = first.getBean(BatonEndpoint.class);
				BatonEndpoint two = second.getBean(BatonEndpoint.class);
				long used = tokens(first.getBean(AiGatewayClient.class).chatBlocking(ChatRequest.of("from one")))
						+ tokens(second.getBean(AiGatewayClient.class).chatBlocking(ChatRequest.of("from two")))
						+ tokens(second.getBean(AiGatewayClient.class).chatBlocking(ChatRequest.of("two again")));
				Map<String, Object> seenByOne = ai(one);
				Map<String, Object> seenByTwo = ai(two);
				for (Map<String, Object> ai : List.of(seenByOne, seenByTwo)) {
					assertThat(ai).containsEntry("scope", "cluster").containsEntry("paused", false);
					assertThat(budget(ai, "requests")).containsEntry("limit", 36_000L).containsEntry("window", "PT1H");
					assertThat((long) budget(ai, "requests").get("left")).isBetween(35_990L, 36_000L);
					assertThat((long) budget(ai, "tokens").get("left")).as("the tokens both used")
						.isBetween(3_600 - used, 3_600 - used + 30);
				}
				assertThat((long) budget(seenByOne, "tokens").get("left"))
					.as("read a moment apart, while a token a second refills")
					.isCloseTo((long) budget(seenByTwo, "tokens").get("left"), within(5L));
				assertThatExceptionOfType(AiGatewayException.class).isThrownBy(
						() -> first.getBean(AiGatewayClient.class).chatBlocking(ChatRequest.of("__retry_after_a_day__")));
				assertThat(ai(two)).as("the pause the first instance's 429 set").containsEntry("paused", true)
					.containsEntry("pausedUntil", ai(one).get("pausedUntil"));
			}));
		}
	}

	@Test
	void answersForEachRedlockMasterAndWhetherAQuorumHoldsTheLock() {
		List<RedisTestServer> masters = RedisTestServers.start(3);
		CountDownLatch release = new CountDownLatch(1);
		try {
			this.exposed
				.withPropertyValues("baton.lock.redlock.nodes="
						+ String.join(",", masters.stream().map(RedisTestServer::url).toList()))
				.run((context) -> {
					BatonEndpoint endpoint = context.getBean(BatonEndpoint.class);
					CompletableFuture<Void> holding = CompletableFuture
						.runAsync(() -> context.getBean(Stock.class).hold("sku-1", release));
					try {
						await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.lock("locks", "sku-1").get("held").equals(true));
						Map<String, Object> lock = endpoint.lock("locks", "sku-1");
						Object holder = lock.get("holder");
						assertThat(lock).containsEntry("key", "sku-1").containsEntry("quorum", 2).containsEntry("mastersHolding", 3);
						assertThat(masters(lock)).extracting((master) -> master.get("master"))
							.containsExactlyElementsOf(masters.stream().map((master) -> master.host() + ":" + master.port()).toList());
						assertThat(masters(lock)).allSatisfy((master) -> assertThat(master).containsEntry("held", true)
							.containsEntry("holder", holder).containsEntry("queueLength", 0)
							.containsKeys("leaseLeft", "lastFencingToken"));
						masters.get(2).stop();
						Map<String, Object> oneDown = endpoint.lock("locks", "sku-1");
						assertThat(oneDown).as("a quorum still holds it").containsEntry("held", true)
							.containsEntry("holder", holder).containsEntry("mastersHolding", 2);
						assertThat(masters(oneDown).get(2)).containsKey("error").doesNotContainKey("holder");
					}
					finally {
						release.countDown();
					}
					holding.get(10, TimeUnit.SECONDS);
					await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.lock("locks", "sku-1").get("held").equals(false));
					assertThat(endpoint.lock("locks", "sku-1")).containsEntry("mastersHolding", 0).doesNotContainKey("holder");
				});
		}
		finally {
			masters.forEach(RedisTestServer::close);
		}
	}

	/** An AI client on {@code upstream}: budgets per hour, so that they refill by about one token a second. */
	private static ApplicationContextRunner withAi(ApplicationContextRunner runner, FakeOpenAiServer upstream) {
		return runner.withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class))
			.withConfiguration(BootAutoConfigurations.reactiveRedis())
			.withPropertyValues("baton.ai.base-url=" + upstream.baseUrl(), "baton.ai.rate-limit-period=1h",
					"baton.ai.requests-per-minute=36000", "baton.ai.tokens-per-minute=3600", "baton.ai.max-concurrency=4",
					"baton.ai.max-attempts=1", "baton.ai.max-retry-pause=20s");
	}

	private static long tokens(ChatCompletion completion) {
		return completion.usage().promptTokens() + completion.usage().completionTokens();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> ai(BatonEndpoint endpoint) {
		return (Map<String, Object>) endpoint.baton().get("ai");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> budget(Map<String, Object> ai, String which) {
		return (Map<String, Object>) ai.get(which);
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> masters(Map<String, Object> lock) {
		return (List<Map<String, Object>>) lock.get("masters");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> locks(BatonEndpoint endpoint, String which) {
		return (List<Map<String, Object>>) ((Map<String, Object>) endpoint.baton().get("locks")).get(which);
	}

	private static String instance(Object owner) {
		return (String) ((Map<?, ?>) owner).get("instance");
	}

	public static class Stock {

		private final Map<String, Long> seen = new ConcurrentHashMap<>();

		/** The fencing token each method saw, by key (a method: the test holds the bean's proxy). */
		public Map<String, Long> seen() {
			return this.seen;
		}

		@dev.baton.annotation.DistributedLock(key = "#sku", name = "stock", waitTime = "10s")
		public long fenced(String sku, CountDownLatch release) {
			long token = LockContext.fencingToken().orElseThrow();
			this.seen.put(sku, token);
			waitFor(release);
			return token;
		}

		@dev.baton.annotation.DistributedLock(key = "#sku", name = "reactive-stock", waitTime = "10s")
		public Mono<Long> fencedReactive(String sku, Mono<Void> release) {
			return LockContext.reactiveFencingToken()
				.doOnNext((token) -> this.seen.put(sku, token))
				.flatMap((token) -> release.thenReturn(token));
		}

		@dev.baton.annotation.DistributedLock(key = "#sku", name = "stock", waitTime = "10s")
		public void hold(String sku, CountDownLatch release) {
			waitFor(release);
		}

		private static void waitFor(CountDownLatch release) {
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
