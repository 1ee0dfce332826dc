package dev.baton.mutex;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
import java.util.function.Supplier;

import dev.baton.BatonException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Non-fair pools, where a key living in the map is taken, re-entered and released without its
 * bin lock: many threads on a few hot keys, with one or two slots so that keys collide and
 * move between slot and map all the time, and entries are retired while callers barge in.
 */
class KeyedMutexBargingTests extends KeyedMutexRaces {

	@ParameterizedTest(name = "slots={0}")
	@ValueSource(ints = { 1, 2, 4096 })
	void neverTwoHoldersOfAHotKeyWhileCallersBargeAndReenter(int slots) throws Exception {
		KeyedMutexPool pool = nonFair(slots);
		Sections sections = new Sections();
		AtomicInteger reentered = new AtomicInteger();
		runOnAllThreads((t) -> {
			for (int i = 0; i < 20_000; i++) {
				int keyId = (t + i) % HOT_KEYS;
				pool.withMutex("hot-" + keyId, LONG, sections.of(keyId, () -> {
					if (ThreadLocalRandom.current().nextInt(8) == 0) {
						// Lock-free re-entry; the inner release must leave the key held.
						pool.withMutex("hot-" + keyId, Duration.ZERO, reentered::incrementAndGet);
					}
				}));
			}
		});
		assertThat(reentered.get()).isGreaterThan(0);
		assertNoOverlapAndNothingLeft(pool, sections);
	}

	@ParameterizedTest(name = "slots={0}")
	@ValueSource(ints = { 1, 2 })
	void callersBargingIntoEntriesBeingRetiredNeverShareAKey(int slots) throws Exception {
		KeyedMutexPool pool = nonFair(slots);
		Sections sections = new Sections();
		AtomicInteger refused = new AtomicInteger();
		runOnAllThreads((t) -> {
			// At least 20,000 calls each, and on until tries have been refused: on two cores the
			// threads can otherwise run one after the other, and nobody barges into anything.
			for (int i = 0; i < 20_000 || (refused.get() < 100 && i < 2_000_000); i++) {
				int keyId = i % HOT_KEYS;
				// Tries that fail leave at once, and a release with nobody queued retires the entry
				// while others are on their way in to it.
				Duration wait = (i % 2 == 0) ? Duration.ZERO : LONG;
				try {
					pool.withMutex("hot-" + keyId, wait, sections.of(keyId, () -> {
					}));
				}
				catch (MutexTimeoutException ex) {
					refused.incrementAndGet();
				}
			}
		});
		assertThat(refused.get()).isGreaterThan(0);
		assertNoOverlapAndNothingLeft(pool, sections);
	}

	@ParameterizedTest(name = "slots={0}")
	@ValueSource(ints = { 1, 2 })
	void timeoutsAndInterruptionsWhileCallersBargeLeaveNothingHeld(int slots) throws Exception {
		KeyedMutexPool pool = nonFair(slots);
		Sections sections = new Sections();
		AtomicInteger interrupted = new AtomicInteger();
		AtomicInteger timedOut = new AtomicInteger();
		List<Thread> workers = new CopyOnWriteArrayList<>();
		runOnAllThreads((t) -> {
			workers.add(Thread.currentThread());
			for (int i = 0; i < 10_000; i++) {
				if (i % 40 == 0) {
					workers.get(ThreadLocalRandom.current().nextInt(workers.size())).interrupt();
				}
				int keyId = i % HOT_KEYS;
				Duration wait = (i % 3 == 0) ? Duration.ofNanos(20_000) : Duration.ofMillis(1);
				int hold = (i % 16 == 0) ? 20_000 : 0;
				try {
					pool.withMutex("hot-" + keyId, wait, sections.of(keyId, () -> {
						// A longer hold now and then, so that waits run out.
						for (int spin = hold; spin > 0; spin--) {
							Thread.onSpinWait();
						}
					}));
				}
				catch (MutexTimeoutException ex) {
					timedOut.incrementAndGet();
				}
				catch (BatonException ex) {
					interrupted.incrementAndGet();
					Thread.interrupted();
				}
			}
			Thread.interrupted();
		});
		assertThat(interrupted.get()).isGreaterThan(0);
		assertThat(timedOut.get()).isGreaterThan(0);
		assertNoOverlapAndNothingLeft(pool, sections);
	}

	@ParameterizedTest(name = "slots={0}")
	@ValueSource(ints = { 1, 2 })
	void reactiveCancellationsAndTimeoutsWhileBlockingCallersBargeLeaveNothingHeld(int slots) throws Exception {
		KeyedMutexPool pool = nonFair(slots);
		Sections sections = new Sections();
		AtomicBoolean reactiveDone = new AtomicBoolean();
		Future<?> blocking = this.executor.submit(() -> {
			runOnThreads(THREADS / 2, (t) -> {
				for (int i = 0; i < 5_000 || !reactiveDone.get(); i++) {
					int keyId = i % HOT_KEYS;
					pool.withMutex("hot-" + keyId, LONG, sections.of(keyId, () -> {
					}));
				}
			});
			return null;
		});
		Flux<Object> reactive = Flux.range(0, 6_000).flatMap((i) -> {
			int keyId = i % HOT_KEYS;
			Duration wait = (i % 4 == 0) ? Duration.ZERO : Duration.ofMillis(1);
			Mono<Object> work = pool.withMutex("hot-" + keyId, wait, Mono.defer(() -> {
				sections.enter(keyId);
				AtomicBoolean left = new AtomicBoolean();
				Runnable leave = () -> {
					if (left.compareAndSet(false, true)) {
						sections.leave(keyId);
					}
				};
				return Mono.delay(Duration.ofMillis(i % 2)).doOnNext((tick) -> leave.run()).doOnCancel(leave);
			}));
			Mono<Object> maybeCancelled = (i % 5 == 0) ? work.take(Duration.ofMillis(1)) : work;
			return maybeCancelled.onErrorResume(MutexTimeoutException.class, (ex) -> Mono.empty());
		}, 32).doFinally((signal) -> reactiveDone.set(true));
		StepVerifier.create(reactive.then()).expectComplete().verify(Duration.ofSeconds(60));
		blocking.get(120, TimeUnit.SECONDS);
		assertNoOverlapAndNothingLeft(pool, sections);
	}

	@ParameterizedTest(name = "slots={0}")
	@ValueSource(ints = { 1, 4096 })
	void waitersBeatenToTheMutexByBargersAreWokenAgainUntilServed(int slots) throws Exception {
		KeyedMutexPool pool = nonFair(slots);
		Sections sections = new Sections();
		int bargers = 2;
		CountDownLatch waitersServed = new CountDownLatch(THREADS - bargers);
		runOnAllThreads((t) -> {
			if (t < bargers) {
				// Take and give back the key as fast as possible until every waiter was served:
				// woken waiters often lose the freed mutex to them, spin, and park again.
				while (waitersServed.getCount() > 0) {
					pool.withMutex("hot-0", LONG, sections.of(0, () -> {
					}));
				}
				return;
			}
			for (int i = 0; i < 2_000; i++) {
				pool.withMutex("hot-0", LONG, sections.of(0, () -> {
				}));
			}
			waitersServed.countDown();
		});
		assertNoOverlapAndNothingLeft(pool, sections);
	}

	@Test
	void aPermitClosedElsewhereWhileItsThreadReentersLeavesTheKeyHeldOnce() throws Exception {
		KeyedMutexPool pool = nonFair(1);
		roundsInTheMap(pool, () -> {
			MutexPermit outer = pool.lock("a");
			// Either a re-entry before the close or a fresh take after it: held once either way.
			return closeAtOnce(outer, 1, () -> pool.tryLock("a", LONG).orElseThrow());
		});
	}

	@Test
	void anOuterPermitClosedBeforeItsReentryLeavesTheKeyHeldUntilTheReentryCloses() throws Exception {
		KeyedMutexPool pool = nonFair(1);
		MutexPermit other = elsewhere(() -> pool.lock("b"));
		MutexPermit outer = pool.lock("a");
		// "a" lives in the map (the only slot is shared), so this re-entry is counted in "outer".
		MutexPermit inner = pool.tryLock("a", Duration.ZERO).orElseThrow();
		outer.close();
		assertThat(outer.isReleased()).isTrue();
		assertThat(elsewhere(() -> pool.tryLock("a", Duration.ZERO))).isEmpty();
		// A re-entry after the outer close still joins the same hold.
		MutexPermit again = pool.tryLock("a", Duration.ZERO).orElseThrow();
		inner.close();
		assertThat(elsewhere(() -> pool.tryLock("a", Duration.ZERO))).isEmpty();
		again.close();
		elsewhere(() -> {
			other.close();
			return null;
		});
		assertFree(pool, "a", "b");
	}

	@Test
	void closingOnePermitTwiceAtOnceInTheMapReleasesOneHoldOnly() throws Exception {
		KeyedMutexPool pool = nonFair(1);
		roundsInTheMap(pool, () -> {
			MutexPermit first = pool.lock("a");
			MutexPermit second = pool.lock("a");
			closeAtOnce(first, 2, () -> null);
			return second;
		});
	}

	/**
	 * 500 rounds on key "a" while "b", held elsewhere, keeps the only slot shared, so that "a"
	 * lives in the map. Each round leaves one hold of "a", which must keep others out, and
	 * closing it must leave only "b" in the pool.
	 */
	private void roundsInTheMap(KeyedMutexPool pool, Callable<MutexPermit> round) throws Exception {
		MutexPermit other = elsewhere(() -> pool.lock("b"));
		for (int i = 0; i < 500; i++) {
			MutexPermit held = round.call();
			assertThat(elsewhere(() -> pool.tryLock("a", Duration.ZERO))).as("round %d", i).isEmpty();
			held.close();
			assertThat(pool.size()).as("round %d", i).isOne();
		}
		elsewhere(() -> {
			other.close();
			return null;
		});
		assertFree(pool, "a", "b");
	}

	/** Closes the permit on {@code closers} other threads while this one calls {@code alongside}, all at once. */
	private <T> T closeAtOnce(MutexPermit permit, int closers, Callable<T> alongside) throws Exception {
		CyclicBarrier together = new CyclicBarrier(closers + 1);
		List<Future<?>> closing = new ArrayList<>();
		for (int i = 0; i < closers; i++) {
			closing.add(this.executor.submit(() -> {
				together.await(10, TimeUnit.SECONDS);
				permit.close();
				return null;
			}));
		}
		together.await(10, TimeUnit.SECONDS);
		T result = alongside.call();
		for (Future<?> closer : closing) {
			closer.get(10, TimeUnit.SECONDS);
		}
		return result;
	}

	private static KeyedMutexPool nonFair(int slots) {
		return new KeyedMutexPool(false, MutexObserver.NONE, slots);
	}

	/** No key had two callers inside at once, and every key is free and gone from the pool. */
	private void assertNoOverlapAndNothingLeft(KeyedMutexPool pool, Sections sections) throws Exception {
		assertThat(sections.overlaps).hasValue(0);
		assertThat(pool.size()).isZero();
		assertFree(pool, "hot-0", "hot-1", "hot-2");
	}

	private void assertFree(KeyedMutexPool pool, String... keys) throws Exception {
		for (String key : keys) {
			assertThat(elsewhere(() -> pool.tryLock(key, Duration.ZERO))).hasValueSatisfying(MutexPermit::close);
		}
		assertThat(pool.size()).isZero();
	}

	/** Per-key counts of callers inside their critical sections, and how often one found another there. */
	private static final class Sections {

		final AtomicIntegerArray inside = new AtomicIntegerArray(HOT_KEYS);

		final AtomicInteger overlaps = new AtomicInteger();

		void enter(int keyId) {
			if (this.inside.incrementAndGet(keyId) != 1) {
				this.overlaps.incrementAndGet();
			}
		}

		void leave(int keyId) {
			this.inside.decrementAndGet(keyId);
		}

		/** {@code work} as a critical section of the key. */
		Supplier<Object> of(int keyId, Runnable work) {
			return () -> {
				enter(keyId);
				work.run();
				leave(keyId);
				return null;
			};
		}

	}


	/**
	 * A reactive subscriber runs inside the wake-up loop of the release that granted it; when it
	 * releases in turn, the next (reactive) waiter's wake-up is queued behind it on that thread.
	 * While the subscriber still runs, a barger takes and releases the key: that release must
	 * wake the queue, so the blocking waiter further back is served without waiting for the
	 * subscriber to return.
	 */
	@Test
	void aReactiveWakeUpQueuedBehindARunningSubscriberDoesNotStallTheQueue() throws Exception {
		KeyedMutexPool pool = nonFair(4096);
		MutexPermit first = pool.lock("k");
		CountDownLatch bargeNow = new CountDownLatch(1);
		CountDownLatch barged = new CountDownLatch(1);
		CountDownLatch blockingWaiterServed = new CountDownLatch(1);
		AtomicBoolean servedWhileSubscriberRan = new AtomicBoolean();
		pool.tryLockAsync("k", LONG).subscribe((permit) -> {
			permit.close();
			bargeNow.countDown();
			try {
				barged.await(10, TimeUnit.SECONDS);
				servedWhileSubscriberRan.set(blockingWaiterServed.await(3, TimeUnit.SECONDS));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		pool.tryLockAsync("k", LONG).subscribe(MutexPermit::close);
		AtomicReference<Thread> blockingWaiter = new AtomicReference<>();
		Future<?> served = this.executor.submit(() -> {
			blockingWaiter.set(Thread.currentThread());
			try (MutexPermit permit = pool.lock("k")) {
				blockingWaiterServed.countDown();
			}
			return null;
		});
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> blockingWaiter.get() != null
				&& blockingWaiter.get().getState() == Thread.State.WAITING);
		Future<?> barger = this.executor.submit(() -> {
			bargeNow.await(10, TimeUnit.SECONDS);
			pool.lock("k").close();
			barged.countDown();
			return null;
		});
		// Runs the first subscriber on this thread, inside this release's wake-up loop.
		first.close();
		barger.get(10, TimeUnit.SECONDS);
		served.get(10, TimeUnit.SECONDS);
		assertThat(servedWhileSubscriberRan).as("blocking waiter served while the subscriber still ran").isTrue();
		assertThat(pool.size()).isZero();
	}

}
