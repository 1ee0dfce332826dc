package dev.baton.aop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.baton.autoconfigure.BatonAutoConfiguration;
import dev.baton.autoconfigure.BootAutoConfigurations;
import dev.baton.autoconfigure.DistributedLockAutoConfiguration;
import dev.baton.lock.DistributedLockRegistry;
import dev.baton.lock.LockAcquisitionException;
import dev.baton.lock.LockContext;
import dev.baton.lock.LockHold;
import dev.baton.redis.RedisKeyspace;
import dev.baton.test.RedisTestServers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DistributedLockAspectTests {

	private final String prefix = "aspect" + System.nanoTime();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(BootAutoConfigurations.redis())
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
				DistributedLockAutoConfiguration.class))
		.withPropertyValues(RedisTestServers.shared().springProperties())
		.withPropertyValues("baton.redis.key-prefix=" + this.prefix)
		.withUserConfiguration(Services.class);

	@Test
	void excludesConcurrentCallsOfOneKeyAndPassesTheFencingToken() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			ExecutorService pool = Executors.newFixedThreadPool(4);
			try {
				List<Future<Long>> calls = new ArrayList<>();
				for (int i = 0; i < 8; i++) {
					calls.add(pool.submit(() -> callPatiently(service)));
				}
				for (Future<Long> call : calls) {
					call.get(30, TimeUnit.SECONDS);
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(service.maxInside()).isEqualTo(1);
			assertThat(service.tokens()).hasSize(8).doesNotHaveDuplicates();
		});
	}

	private static long callPatiently(LockedService service) throws InterruptedException {
		while (true) {
			try {
				return service.plain("a", Duration.ofMillis(5));
			}
			catch (LockAcquisitionException ex) {
				// waitTime is 100 ms; try again, the point is exclusion.
			}
		}
	}

	@Test
	void timesOutNamingTheLockTheKeyAndTheWait() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			DistributedLockRegistry registry = context.getBean(DistributedLockRegistry.class);
			LockHold held = registry.acquire("item:b", Duration.ZERO, null).block(Duration.ofSeconds(5));
			try {
				assertThatExceptionOfType(LockAcquisitionException.class)
					.isThrownBy(() -> service.plain("b", Duration.ZERO))
					.withMessageContaining("plain")
					.withMessageContaining("'item:b'")
					.withMessageContaining("100 ms")
					.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("plain"));
			}
			finally {
				held.release().block(Duration.ofSeconds(5));
			}
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("baton.lock.acquire").tag("name", "plain").tag("outcome", "timeout").functionTimer().count())
				.isEqualTo(1);
		});
	}

	@Test
	void takesSeveralKeysInSortedOrderSoOppositeOrdersDoNotDeadlock() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			ExecutorService pool = Executors.newFixedThreadPool(2);
			try {
				List<Future<String>> calls = new ArrayList<>();
				for (int i = 0; i < 50; i++) {
					calls.add(pool.submit(() -> service.both("x", "y")));
					calls.add(pool.submit(() -> service.both("y", "x")));
				}
				for (Future<String> call : calls) {
					assertThat(call.get(30, TimeUnit.SECONDS)).hasSize(2);
				}
			}
			finally {
				pool.shutdownNow();
			}
			assertThat(service.maxInside()).isEqualTo(1);
		});
	}

	@Test
	void holdsTheLockUntilAFluxOrACompletionStageTerminates() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			List<Integer> items = Flux.range(0, 20)
				.flatMap((i) -> service.stream("s"), 20)
				.collectList()
				.block(Duration.ofSeconds(30));
			assertThat(items).hasSize(60);
			List<CompletableFuture<Integer>> stages = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				stages.add(service.async("c").toCompletableFuture());
			}
			CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
			assertThat(service.maxInside()).isEqualTo(1);
		});
	}

	@Test
	void reactiveCallsExcludeEachOtherOnOneThread() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			// One thread for everything: a waiter that blocked it would stall the holder's release.
			var single = Schedulers.newSingle("one-loop");
			try {
				Long done = Flux.range(0, 200)
					.flatMap((i) -> service.reactive("r").subscribeOn(single), 200)
					.count()
					.block(Duration.ofSeconds(60));
				assertThat(done).isEqualTo(200);
			}
			finally {
				single.dispose();
			}
			assertThat(service.maxInside()).isEqualTo(1);
		});
	}

	@Test
	void givesAReactiveMethodItsFencingTokenThroughTheReactorContext() {
		this.runner.run((context) -> {
			LockedService service = context.getBean(LockedService.class);
			Long first = service.reactiveToken("t").block(Duration.ofSeconds(5));
			Long second = service.reactiveToken("t").block(Duration.ofSeconds(5));
			assertThat(first).isNotNull().isPositive();
			assertThat(second).isGreaterThan(first);
		});
	}

	@Test
	void aMethodTakesItsLockWithTheTokenWhenItsLastCallAskedForIt() {
		this.runner.withBean(TokenUser.class).run((context) -> {
			TokenUser user = context.getBean(TokenUser.class);
			StringRedisTemplate redis = new StringRedisTemplate(context.getBean(RedisConnectionFactory.class));
			RedisKeyspace keyspace = new RedisKeyspace(this.prefix);
			List<Boolean> fencedOnEntry = new ArrayList<>();
			List<Long> tokens = new ArrayList<>();
			boolean[] asks = { true, true, false, false, true };
			for (int i = 0; i < asks.length; i++) {
				String fence = keyspace.key("lock", "token:" + i) + ":fence";
				tokens.add(user.call("token:" + i, asks[i], () -> fencedOnEntry.add(redis.hasKey(fence))));
			}
			assertThat(fencedOnEntry).as("a token issued with the lock, before the method ran")
				.containsExactly(false, true, true, false, false);
			assertThat(tokens.get(0)).isPositive();
			assertThat(tokens.get(1)).isPositive();
			assertThat(tokens.get(4)).isPositive();
		});
	}

	@Test
	void failsAtStartUpForAKeyExpressionNamingAMissingParameter() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
					DistributedLockAutoConfiguration.class))
			.withBean(BadService.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("BadService.work(String)")
				.hasMessageContaining("#nope"));
	}

	@Test
	void failsAtStartUpForABadDurationNamingTheAttribute() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
					DistributedLockAutoConfiguration.class))
			.withBean(BadDuration.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("waitTime")
				.hasMessageContaining("soon"));
	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		LockedService lockedService() {
			return new LockedService();
		}

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	/** Reads what Redis holds when the method starts, then asks for its token or not. */
	static class TokenUser {

		@dev.baton.annotation.DistributedLock(key = "#key")
		public long call(String key, boolean ask, Runnable onEntry) {
			onEntry.run();
			return ask ? LockContext.fencingToken().orElseThrow() : 0L;
		}

	}

	static class BadService {

		@dev.baton.annotation.DistributedLock(key = "#nope")
		public void work(String id) {
		}

	}

	static class BadDuration {

		@dev.baton.annotation.DistributedLock(key = "#id", waitTime = "soon")
		public void work(String id) {
		}

	}

}
