package dev.baton.mutex;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import dev.baton.BatonException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast path's slots shrunk to one or two, so every second party moves a direct holder into
 * the map and back: collisions and migrations happen all the time.
 */
class KeyedMutexSlotRaceTests extends KeyedMutexRaces {

	@ParameterizedTest(name = "slots={0}, fair={1}")
	@CsvSource({ "1, true", "1, false", "2, true", "2, false" })
	void neverTwoHoldersOfOneKeyWhileHoldersMigrateAndNothingLeftAfterwards(int slots, boolean fair)
			throws Exception {
		KeyedMutexPool pool = new KeyedMutexPool(fair, MutexObserver.NONE, slots);
		int distinct = 20_000;
		AtomicIntegerArray inSection = new AtomicIntegerArray(HOT_KEYS + THREADS * distinct);
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger reentered = new AtomicInteger();
		runOnAllThreads((t) -> {
			for (int i = 0; i < distinct; i++) {
				int keyId = (i % 3 == 0) ? i % HOT_KEYS : HOT_KEYS + t * distinct + i;
				pool.withMutex("k" + keyId, LONG, () -> {
					if (inSection.incrementAndGet(keyId) != 1) {
						overlaps.incrementAndGet();
					}
					if (keyId % 5 == 0) {
						// Re-entry moves a direct hold into the map; the inner release must not free the key.
						pool.withMutex("k" + keyId, Duration.ZERO, reentered::incrementAndGet);
					}
					inSection.decrementAndGet(keyId);
					return null;
				});
			}
		});
		assertThat(overlaps).hasValue(0);
		assertThat(reentered.get()).isGreaterThan(0);
		assertThat(pool.size()).isZero();
	}

	@Test
	void reentrantHoldsSurviveBeingMovedIntoTheMap() throws Exception {
		KeyedMutexPool pool = new KeyedMutexPool(true, MutexObserver.NONE, 1);
		MutexPermit outer = pool.lock("a");
		assertThat(pool.size()).isOne();
		// Another key of the only slot moves the direct hold of "a" into the map.
		MutexPermit other = elsewhere(() -> pool.lock("b"));
		MutexPermit inner = pool.lock("a");
		assertThat(pool.size()).isEqualTo(2);
		outer.close();
		assertThat(elsewhere(() -> pool.tryLock("a", Duration.ZERO))).isEmpty();
		inner.close();
		MutexPermit again = elsewhere(() -> pool.tryLock("a", Duration.ZERO).orElseThrow());
		elsewhere(() -> {
			again.close();
			other.close();
			return null;
		});
		assertThat(pool.size()).isZero();
	}

	@Test
	void closingOnePermitTwiceAtOnceReleasesOneHoldOnly() throws Exception {
		KeyedMutexPool pool = new KeyedMutexPool(true, MutexObserver.NONE, 1);
		for (int round = 0; round < 500; round++) {
			MutexPermit first = pool.lock("a");
			boolean reenter = round % 2 == 0;
			// Even rounds: the first hold was moved into the map by the re-entry; odd rounds: it stays in its slot.
			MutexPermit second = reenter ? pool.lock("a") : null;
			closeTwiceAtOnce(first);
			assertThat(first.isReleased()).isTrue();
			if (reenter) {
				assertThat(elsewhere(() -> pool.tryLock("a", Duration.ZERO))).as("round %d", round).isEmpty();
				second.close();
			}
			assertThat(pool.size()).as("round %d", round).isZero();
		}
		assertThat(elsewhere(() -> pool.tryLock("a", Duration.ZERO))).hasValueSatisfying(MutexPermit::close);
	}

	private void closeTwiceAtOnce(MutexPermit permit) throws Exception {
		CyclicBarrier together = new CyclicBarrier(2);
		List<Future<?>> closers = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			closers.add(this.executor.submit(() -> {
				together.await(10, TimeUnit.SECONDS);
				permit.close();
				return null;
			}));
		}
		for (Future<?> closer : closers) {
			closer.get(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void fairOrderHoldsWhenTheDirectHolderIsMovedIntoTheMap() throws Exception {
		KeyedMutexPool pool = new KeyedMutexPool(true, MutexObserver.NONE, 1);
		List<Integer> order = new CopyOnWriteArrayList<>();
		MutexPermit held = pool.lock("a");
		List<Future<?>> waiters = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			int index = i;
			AtomicReference<Thread> thread = new AtomicReference<>();
			waiters.add(this.executor.submit(() -> {
				thread.set(Thread.currentThread());
				try (MutexPermit permit = pool.lock("a")) {
					order.add(index);
				}
				return null;
			}));
			awaitParked(thread);
			// A colliding key taken and released between waiters keeps the slot busy with the map.
			elsewhere(() -> pool.withMutex("b", LONG, () -> null));
		}
		held.close();
		for (Future<?> waiter : waiters) {
			waiter.get(10, TimeUnit.SECONDS);
		}
		assertThat(order).containsExactly(0, 1, 2, 3, 4);
		assertThat(pool.size()).isZero();
	}

	@Test
	void reactiveWaitersOfAMovedKeyAreServedInOrderAndCollidingKeysAtOnce() throws Exception {
		KeyedMutexPool pool = new KeyedMutexPool(true, MutexObserver.NONE, 1);
		List<Integer> order = new CopyOnWriteArrayList<>();
		MutexPermit held = pool.lock("a");
		CountDownLatch served = new CountDownLatch(3);
		for (int i = 0; i < 3; i++) {
			int index = i;
			pool.withMutex("a", LONG, Mono.fromRunnable(() -> order.add(index))).doFinally((s) -> served.countDown())
				.subscribe();
		}
		StepVerifier.create(pool.withMutex("b", LONG, Mono.just("b"))).expectNext("b").verifyComplete();
		assertThat(order).isEmpty();
		held.close();
		assertThat(served.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(order).containsExactly(0, 1, 2);
		assertThat(pool.size()).isZero();
	}

	@Test
	void reactiveTimeoutsAndCancellationsOnCollidingKeysLeaveNothingHeld() {
		KeyedMutexPool pool = new KeyedMutexPool(false, MutexObserver.NONE, 2);
		AtomicIntegerArray inSection = new AtomicIntegerArray(8);
		AtomicInteger overlaps = new AtomicInteger();
		Flux<Object> all = Flux.range(0, 4_000).flatMap((i) -> {
			Duration wait = (i % 4 == 0) ? Duration.ZERO : Duration.ofMillis(1 + i % 3);
			Mono<Object> work = pool.withMutex("k" + (i % 8), wait, Mono.defer(() -> {
				if (inSection.incrementAndGet(i % 8) != 1) {
					overlaps.incrementAndGet();
				}
				// Leaves before the completion or cancellation reaches withMutex, which then releases.
				AtomicBoolean left = new AtomicBoolean();
				Runnable leave = () -> {
					if (left.compareAndSet(false, true)) {
						inSection.decrementAndGet(i % 8);
					}
				};
				return Mono.delay(Duration.ofMillis(i % 2)).doOnNext((tick) -> leave.run()).doOnCancel(leave);
			}));
			// Every seventh subscription is cancelled soon, waiting or holding.
			Mono<Object> maybeCancelled = (i % 7 == 0) ? work.take(Duration.ofMillis(1)) : work;
			return maybeCancelled.onErrorResume(MutexTimeoutException.class, (ex) -> Mono.empty());
		}, 64);
		StepVerifier.create(all.then()).expectComplete().verify(Duration.ofSeconds(60));
		assertThat(overlaps).hasValue(0);
		assertThat(pool.size()).isZero();
	}

	@ParameterizedTest(name = "fair={0}")
	@CsvSource({ "true", "false" })
	void timeoutsAndInterruptionsWhileHoldersMigrateLeaveNothingHeld(boolean fair) throws Exception {
		KeyedMutexPool pool = new KeyedMutexPool(fair, MutexObserver.NONE, 2);
		AtomicIntegerArray inSection = new AtomicIntegerArray(HOT_KEYS + 64);
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger interrupted = new AtomicInteger();
		List<Thread> workers = new CopyOnWriteArrayList<>();
		runOnAllThreads((t) -> {
			workers.add(Thread.currentThread());
			for (int i = 0; i < 5_000; i++) {
				if (i % 50 == 0) {
					// Interrupt some worker, perhaps this one, wherever it is: parked, migrating, or about to ask.
					workers.get(ThreadLocalRandom.current().nextInt(workers.size())).interrupt();
				}
				int keyId = (i % 2 == 0) ? i % HOT_KEYS : HOT_KEYS + (t * 8 + i % 8);
				Duration wait = (i % 3 == 0) ? Duration.ZERO : Duration.ofNanos(50_000);
				try {
					pool.withMutex("k" + keyId, wait, () -> {
						if (inSection.incrementAndGet(keyId) != 1) {
							overlaps.incrementAndGet();
						}
						inSection.decrementAndGet(keyId);
						return null;
					});
				}
				catch (MutexTimeoutException ex) {
					// Gave up in time: nothing may be held or queued for it.
				}
				catch (BatonException ex) {
					interrupted.incrementAndGet();
					Thread.interrupted();
				}
			}
			Thread.interrupted();
		});
		assertThat(overlaps).hasValue(0);
		assertThat(interrupted.get()).isGreaterThan(0);
		assertThat(pool.size()).isZero();
		for (int key = 0; key < HOT_KEYS; key++) {
			assertThat(pool.tryLock("k" + key, Duration.ZERO)).hasValueSatisfying(MutexPermit::close);
		}
	}

	private static void awaitParked(AtomicReference<Thread> thread) {
		org.awaitility.Awaitility.await()
			.until(() -> thread.get() != null && thread.get().getState() == Thread.State.WAITING);
	}

}
