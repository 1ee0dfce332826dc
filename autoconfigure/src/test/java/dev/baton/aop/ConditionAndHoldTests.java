package dev.baton.aop;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.annotation.DistributedLock;
import dev.baton.annotation.KeyedMutex;
import dev.baton.annotation.SingleFlight;
import dev.baton.autoconfigure.BatonAutoConfiguration;
import dev.baton.autoconfigure.BootAutoConfigurations;
import dev.baton.autoconfigure.DistributedLockAutoConfiguration;
import dev.baton.autoconfigure.KeyedMutexAutoConfiguration;
import dev.baton.autoconfigure.SingleFlightAutoConfiguration;
import dev.baton.lock.DistributedLockRegistry;
import dev.baton.lock.LockAcquisitionException;
import dev.baton.lock.LockContext;
import dev.baton.lock.LockHold;
import dev.baton.mutex.KeyedMutexPool;
import dev.baton.mutex.MutexPermit;
import dev.baton.mutex.MutexTimeoutException;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** {@code condition} on the three annotations, and {@code holdAtLeast} on {@code @DistributedLock}. */
class ConditionAndHoldTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(BootAutoConfigurations.redis())
		.withConfiguration(BootAutoConfigurations.jackson())
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
				KeyedMutexAutoConfiguration.class, DistributedLockAutoConfiguration.class,
				SingleFlightAutoConfiguration.class))
		.withPropertyValues(RedisTestServers.shared().springProperties())
		.withPropertyValues("baton.redis.key-prefix=conditions" + System.nanoTime());

	@Test
	void aFalseConditionRunsTheMethodWithoutTheLock() {
		this.runner.withBean(Conditional.class).run((context) -> {
			Conditional service = context.getBean(Conditional.class);
			assertThat(service.locked("a", true)).isPositive();
			assertThat(service.locked("a", false)).isEqualTo(-1);
		});
	}

	@Test
	void aFalseConditionRunsTheMethodWithoutTheMutex() {
		this.runner.withBean(Conditional.class).run((context) -> {
			Conditional service = context.getBean(Conditional.class);
			MutexPermit held = context.getBean(KeyedMutexPool.class)
				.tryLockAsync("m", Duration.ZERO)
				.block(Duration.ofSeconds(5));
			try {
				assertThatExceptionOfType(CompletionException.class)
					.isThrownBy(() -> CompletableFuture.supplyAsync(() -> service.mutexed("m", true)).join())
					.withCauseInstanceOf(MutexTimeoutException.class);
				assertThat(CompletableFuture.supplyAsync(() -> service.mutexed("m", false)).join()).isEqualTo("ran m");
			}
			finally {
				held.close();
			}
		});
	}

	@Test
	void aFalseConditionRunsTheMethodAsAPlainCallNeitherSharedNorStored() {
		this.runner.withBean(Conditional.class).run((context) -> {
			Conditional service = context.getBean(Conditional.class);
			assertThat(service.load("a")).isEqualTo(service.load("a")).isEqualTo("a #1");
			assertThat(service.load("fresh")).isEqualTo("fresh #2");
			assertThat(service.load("fresh")).isEqualTo("fresh #3");
			assertThat(service.loads()).isEqualTo(3);
		});
	}

	@Test
	void failsStartUpForAConditionNamingAMissingParameter() {
		this.runner.withBean(BadLockCondition.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("condition")
				.hasMessageContaining("BadLockCondition.work(String)")
				.hasMessageContaining("#enabled"));
		this.runner.withBean(BadMutexCondition.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("condition")
				.hasMessageContaining("BadMutexCondition.work(String)"));
		this.runner.withBean(BadFlightCondition.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("condition")
				.hasMessageContaining("BadFlightCondition.work(String)")
				.hasMessageContaining("'#id =='"));
	}

	@Test
	void holdAtLeastKeepsTheLockAfterAFastMethodReturnsAndReleasesItLater() {
		this.runner.withBean(Held.class).run((context) -> {
			Held service = context.getBean(Held.class);
			DistributedLockRegistry registry = context.getBean(DistributedLockRegistry.class);
			long start = System.nanoTime();
			assertThat(service.quick()).isPositive();
			// The method has returned, its caller is free, and the lock is still held.
			assertThatExceptionOfType(LockAcquisitionException.class)
				.isThrownBy(() -> registry.acquire("held", Duration.ZERO, null).block(Duration.ofSeconds(5)));
			LockHold next = await().atMost(Duration.ofSeconds(5))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> tryAcquire(registry), (hold) -> hold != null);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
			next.release().block(Duration.ofSeconds(5));
		});
	}

	@Test
	void holdAtLeastKeepsTheLockAfterAReactiveMethodCompletes() {
		this.runner.withBean(Held.class).run((context) -> {
			Held service = context.getBean(Held.class);
			DistributedLockRegistry registry = context.getBean(DistributedLockRegistry.class);
			long start = System.nanoTime();
			assertThat(service.quickReactive().block(Duration.ofSeconds(5))).isPositive();
			assertThatExceptionOfType(LockAcquisitionException.class)
				.isThrownBy(() -> registry.acquire("held", Duration.ZERO, null).block(Duration.ofSeconds(5)));
			LockHold next = await().atMost(Duration.ofSeconds(5))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> tryAcquire(registry), (hold) -> hold != null);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
			next.release().block(Duration.ofSeconds(5));
		});
	}

	@Test
	void aShutdownWithinHoldAtLeastLeavesTheLockToExpireWithItsLease() {
		this.runner.run((other) -> {
			DistributedLockRegistry registry = other.getBean(DistributedLockRegistry.class);
			this.runner.withBean(Held.class)
				.withPropertyValues("baton.lock.lease-time=1s")
				.run((context) -> assertThat(context.getBean(Held.class).quick()).isPositive());
			// Closed within its 400 ms: not released early, and not through a closed registry.
			assertThatExceptionOfType(LockAcquisitionException.class)
				.isThrownBy(() -> registry.acquire("held", Duration.ZERO, null).block(Duration.ofSeconds(5)));
			LockHold next = await().atMost(Duration.ofSeconds(5))
				.pollInterval(Duration.ofMillis(50))
				.until(() -> tryAcquire(registry), (hold) -> hold != null);
			next.release().block(Duration.ofSeconds(5));
		});
	}

	@Test
	void failsStartUpWhenHoldAtLeastOutlastsAFixedLease() {
		this.runner.withBean(HoldLongerThanLease.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("holdAtLeast")
				.hasMessageContaining("HoldLongerThanLease.work()")
				.hasMessageContaining("leaseTime"));
	}

	private static LockHold tryAcquire(DistributedLockRegistry registry) {
		return registry.acquire("held", Duration.ZERO, null)
			.onErrorResume(LockAcquisitionException.class, (ex) -> Mono.empty())
			.block(Duration.ofSeconds(5));
	}

	static class Conditional {

		private final AtomicInteger loads = new AtomicInteger();

		@DistributedLock(key = "'c:' + #id", condition = "#guarded")
		public long locked(String id, boolean guarded) {
			return LockContext.fencingToken().orElse(-1);
		}

		@KeyedMutex(key = "#id", waitTime = "50ms", condition = "#guarded")
		public String mutexed(String id, boolean guarded) {
			return "ran " + id;
		}

		@SingleFlight(key = "'f:' + #id", ttl = "1m", condition = "#id != 'fresh'")
		public String load(String id) {
			return id + " #" + this.loads.incrementAndGet();
		}

		public int loads() {
			return this.loads.get();
		}

	}

	static class Held {

		@DistributedLock(key = "'held'", waitTime = "0s", holdAtLeast = "400ms")
		public long quick() {
			return LockContext.fencingToken().orElse(-1);
		}

		@DistributedLock(key = "'held'", waitTime = "0s", holdAtLeast = "400ms")
		public Mono<Long> quickReactive() {
			return LockContext.reactiveFencingToken();
		}

	}

	static class BadLockCondition {

		@DistributedLock(key = "#id", condition = "#enabled")
		public void work(String id) {
		}

	}

	static class BadMutexCondition {

		@KeyedMutex(key = "#id", condition = "#id ==")
		public void work(String id) {
		}

	}

	static class BadFlightCondition {

		@SingleFlight(key = "#id", condition = "#id ==")
		public String work(String id) {
			return id;
		}

	}

	static class HoldLongerThanLease {

		@DistributedLock(key = "'x'", leaseTime = "1s", holdAtLeast = "2s")
		public void work() {
		}

	}

}
