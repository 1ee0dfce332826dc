package dev.baton.lock;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The part of the registry contract that only a registry with a remote store can be held to:
 * the store going down or stalling. Implemented by the suites of the Redis registries; a
 * JVM-only registry has no store to lose.
 */
interface StoreFaultContract {

	/** A new instance, on stores this test may stop, start and pause (see {@link #stopStore()}). */
	AbstractLockRegistry newFaultyInstance(LockOptions options);

	/** Takes the store down (for Redlock: a quorum of masters), as far as every instance can tell. */
	void stopStore();

	void startStore();

	/** Makes the store answer nothing for {@code pause}, then everything it was asked meanwhile. */
	void pauseStore(Duration pause);

	/** Whether the lock is taken in the store, for anyone (on any master, for Redlock). */
	boolean heldInStore(String key);

	@Test
	default void answersWithinTheCallersWaitWhenTheStoreIsDown() {
		AbstractLockRegistry registry = newFaultyInstance(LockOptions.DEFAULTS);
		DistributedLock warm = registry.obtain("down");
		assertThat(warm.tryLock()).isTrue();
		warm.unlock();
		stopStore();
		try {
			long start = System.nanoTime();
			assertThatExceptionOfType(LockUnavailableException.class)
				.isThrownBy(() -> registry.obtain("down").tryLock(Duration.ofSeconds(1), null))
				.withMessageContaining("'down'");
			Duration blocking = Duration.ofNanos(System.nanoTime() - start);
			start = System.nanoTime();
			assertThatExceptionOfType(LockUnavailableException.class)
				.isThrownBy(() -> registry.acquire("down", Duration.ofSeconds(1), null).block(Duration.ofSeconds(30)))
				.withMessageContaining("'down'");
			Duration reactive = Duration.ofNanos(System.nanoTime() - start);
			LoggerFactory.getLogger(StoreFaultContract.class)
				.info("{}: store down, tryLock(1 s) answered in {} ms, acquire(1 s) in {} ms",
						registry.getClass().getSimpleName(), blocking.toMillis(), reactive.toMillis());
			assertThat(blocking).as("the caller's 1 s, not the 5 s store timeout").isLessThan(Duration.ofMillis(1500));
			assertThat(reactive).as("reactive: the caller's 1 s").isLessThan(Duration.ofMillis(1500));
			assertThat(registry.trackedKeys()).isZero();
		}
		finally {
			startStore();
		}
	}

	@Test
	default void anAcquisitionStillInFlightAtTheCallersDeadlineLeavesNoLockWhenItLands() throws Exception {
		AbstractLockRegistry registry = newFaultyInstance(LockOptions.DEFAULTS);
		for (String key : new String[] { "landing", "landing-reactive" }) {
			DistributedLock warm = registry.obtain(key);
			assertThat(warm.tryLock()).isTrue();
			warm.unlock();
		}
		pauseStore(Duration.ofMillis(1500));
		long start = System.nanoTime();
		assertThatExceptionOfType(LockUnavailableException.class)
			.isThrownBy(() -> registry.obtain("landing").tryLock(Duration.ofMillis(300), null));
		assertThatExceptionOfType(LockUnavailableException.class).isThrownBy(
				() -> registry.acquire("landing-reactive", Duration.ofMillis(300), null).block(Duration.ofSeconds(30)));
		Duration both = Duration.ofNanos(System.nanoTime() - start);
		LoggerFactory.getLogger(StoreFaultContract.class)
			.info("{}: store paused 1.5 s, tryLock(300 ms) and acquire(300 ms) answered in {} ms together",
					registry.getClass().getSimpleName(), both.toMillis());
		assertThat(both).as("both answered by their deadlines").isLessThan(Duration.ofMillis(1200));
		// The acquisitions run once the store answers again; what they took is given back.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> !heldInStore("landing") && !heldInStore("landing-reactive"));
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
			.until(() -> !heldInStore("landing") && !heldInStore("landing-reactive"));
		assertThat(registry.trackedKeys()).isZero();
		DistributedLock lock = newFaultyInstance(LockOptions.DEFAULTS).obtain("landing");
		assertThat(lock.tryLock()).isTrue();
		lock.unlock();
	}

}
