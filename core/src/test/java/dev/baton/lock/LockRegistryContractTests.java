package dev.baton.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link DistributedLockRegistry} guarantees, proved once and run against each
 * registry by a subclass (as ShedLock's providers share one integration test). An "instance"
 * is a registry of its own, as another JVM of the application would have; a registry that
 * spans no instances ({@link LocalLockRegistry}) answers {@link #otherInstance()} with itself,
 * so the same behaviour is proved between its threads. What only a registry with a remote
 * store can do (its store going down) is in {@link StoreFaultContract}, which only those
 * registries' suites implement.
 */
abstract class LockRegistryContractTests {

	/** Fixed leases in these tests: long enough for a loaded machine's round trips, short enough to wait for. */
	static final Duration LEASE = Duration.ofMillis(500);

	/** The fixed lease of each turn in {@code aFixedLeasesEndHandsTheLockToLocalAndRemoteWaitersInArrivalOrder}. */
	private static final Duration TURN = Duration.ofSeconds(1);

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final List<Thread> threads = new CopyOnWriteArrayList<>();

	private AbstractLockRegistry instance;

	/** A new instance with the given options: its own connections, its own local state. */
	abstract AbstractLockRegistry newInstance(LockOptions options);

	/** The instance every test starts from. */
	final AbstractLockRegistry instance() {
		if (this.instance == null) {
			this.instance = newInstance(LockOptions.DEFAULTS);
		}
		return this.instance;
	}

	/** Another instance of the application: a new registry, or this one for a JVM-only registry. */
	AbstractLockRegistry otherInstance() {
		return newInstance(LockOptions.DEFAULTS);
	}

	/** Closes {@code closeable} after the test. */
	final <T extends AutoCloseable> T closeLater(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	@AfterEach
	void stopThreadsAndClose() throws Exception {
		for (Thread thread : this.threads) {
			thread.interrupt();
			thread.join(10_000);
		}
		Collections.reverse(this.closeables);
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void excludesAcrossInstancesSoNoIncrementIsLost() throws Exception {
		List<AbstractLockRegistry> instances = List.of(instance(), otherInstance(), otherInstance());
		int[] counter = new int[1];
		AtomicInteger inside = new AtomicInteger();
		AtomicInteger overlaps = new AtomicInteger();
		int perThread = 100;
		ExecutorService pool = Executors.newFixedThreadPool(6);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < 6; t++) {
				AbstractLockRegistry registry = instances.get(t % 3);
				futures.add(pool.submit(() -> {
					for (int i = 0; i < perThread; i++) {
						registry.withLock("counter", Duration.ofSeconds(30), () -> {
							if (inside.incrementAndGet() > 1) {
								overlaps.incrementAndGet();
							}
							// Deliberately not atomic: read, yield, then write.
							int value = counter[0];
							Thread.yield();
							counter[0] = value + 1;
							inside.decrementAndGet();
							return null;
						});
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(overlaps).hasValue(0);
		assertThat(counter[0]).isEqualTo(6 * perThread);
		instances.forEach((registry) -> assertThat(registry.trackedKeys()).isZero());
	}

	@Test
	void isReentrantForTheHoldingThread() throws Exception {
		DistributedLock lock = instance().obtain("reentrant");
		lock.lock();
		lock.lock();
		long token = lock.fencingToken();
		lock.unlock();
		assertThat(lock.isHeldByCurrentThread()).isTrue();
		assertThat(lock.fencingToken()).isEqualTo(token);
		assertThat(canTakeElsewhere("reentrant")).isFalse();
		lock.unlock();
		assertThat(lock.isHeldByCurrentThread()).isFalse();
		assertThat(canTakeElsewhere("reentrant")).isTrue();
		assertThat(instance().trackedKeys()).isZero();
	}

	@Test
	void reentryAfterTheLeaseEndedAcquiresAnewInsteadOfMakingTwoHolders() throws Exception {
		DistributedLock lock = instance().obtain("ended");
		assertThat(lock.tryLock(Duration.ZERO, Duration.ofMillis(100))).isTrue();
		long first = lock.fencingToken();
		await().atMost(Duration.ofSeconds(5)).until(() -> !lock.isHeldByCurrentThread());
		HeldElsewhere rival = holdElsewhere(otherInstance().obtain("ended"), Duration.ofSeconds(5));
		assertThat(rival.token()).isGreaterThan(first);
		assertThat(lock.tryLock()).as("re-entry while another holder has the lock").isFalse();
		rival.release();
		assertThat(lock.tryLock(Duration.ofSeconds(5), null)).as("re-entry acquires anew").isTrue();
		assertThat(lock.fencingToken()).isGreaterThan(rival.token());
		assertThat(lock.isHeldByCurrentThread()).isTrue();
		lock.unlock();
		assertThatExceptionOfType(LockLostException.class).as("the hold whose lease ended").isThrownBy(lock::unlock)
			.withMessageContaining("'ended'");
		assertThat(instance().trackedKeys()).isZero();
		assertThat(instance().activeHolds()).isZero();
		assertThat(canTakeElsewhere("ended")).isTrue();
	}

	@Test
	void aFixedLeasesEndHandsTheLockToLocalAndRemoteWaitersInArrivalOrder() throws Exception {
		AbstractLockRegistry local = instance();
		AbstractLockRegistry remote = otherInstance();
		// Connections open before the clock starts: the first lease must not end before all wait.
		for (AbstractLockRegistry registry : List.of(local, remote)) {
			registry.withLock("warm-up", Duration.ofSeconds(5), () -> null);
		}
		DistributedLock first = local.obtain("turns");
		assertThat(first.tryLock(Duration.ZERO, TURN)).isTrue();
		List<Integer> order = new CopyOnWriteArrayList<>();
		List<Long> grantedAt = new CopyOnWriteArrayList<>();
		List<Long> tokens = new CopyOnWriteArrayList<>();
		List<CompletableFuture<Object>> outcomes = new ArrayList<>();
		CountDownLatch done = new CountDownLatch(1);
		int waiters = 5;
		for (int i = 0; i < waiters; i++) {
			int arrival = i;
			AbstractLockRegistry registry = (i % 2 == 0) ? remote : local;
			CompletableFuture<Object> outcome = new CompletableFuture<>();
			outcomes.add(outcome);
			Thread waiter = start(() -> {
				DistributedLock lock = registry.obtain("turns");
				try {
					// Never unlocked while others wait: each lease simply ends.
					if (!lock.tryLock(Duration.ofSeconds(20), TURN)) {
						outcome.complete("timed out");
						return;
					}
					grantedAt.add(System.nanoTime());
					order.add(arrival);
					tokens.add(lock.fencingToken());
					done.await();
					lock.unlock();
					outcome.complete("released");
				}
				catch (Throwable ex) {
					outcome.complete(ex);
				}
			});
			// Queued (locally, or in the store) before the next one comes, or granted already.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> waiter.getState() == Thread.State.TIMED_WAITING || order.contains(arrival));
		}
		await().atMost(Duration.ofSeconds(20)).until(() -> order.size() == waiters);
		done.countDown();
		assertThat(order).containsExactly(0, 1, 2, 3, 4);
		assertThat(tokens).isSorted().doesNotHaveDuplicates();
		List<Long> turns = new ArrayList<>();
		for (int i = 1; i < waiters; i++) {
			turns.add(Duration.ofNanos(grantedAt.get(i) - grantedAt.get(i - 1)).toMillis());
		}
		LoggerFactory.getLogger(LockRegistryContractTests.class)
			.info("{}: turns of {} ms leases, granted {} ms apart", getClass().getSimpleName(), TURN.toMillis(), turns);
		// Each grant is timed when its thread runs again, which a loaded machine delays by up to
		// a couple of hundred milliseconds (150 ms seen): a tenth of a lease shorter is too short.
		assertThat(turns).as("a turn lasts until the lease ends, not less").allMatch((turn) -> turn > TURN.toMillis() - 250);
		// Not until a waiter's queue entry lapses (2 s): the lease's end wakes the next one.
		assertThat(turns).as("the next turn starts as the lease ends").allMatch((turn) -> turn < TURN.toMillis() + 1000);
		for (CompletableFuture<Object> outcome : outcomes.subList(0, waiters - 1)) {
			assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(LockLostException.class);
		}
		// The last one's lease may or may not have ended by its unlock.
		assertThat(outcomes.get(waiters - 1).get(10, TimeUnit.SECONDS)).satisfiesAnyOf(
				(last) -> assertThat(last).isEqualTo("released"),
				(last) -> assertThat(last).isInstanceOf(LockLostException.class));
		assertThatExceptionOfType(LockLostException.class).isThrownBy(first::unlock);
		assertThat(local.trackedKeys()).isZero();
		assertThat(remote.trackedKeys()).isZero();
	}

	@Test
	void tryLockTimesOutWhileAnotherInstanceHolds() throws Exception {
		HeldElsewhere held = holdElsewhere(otherInstance().obtain("busy"), null);
		DistributedLock lock = instance().obtain("busy");
		long start = System.nanoTime();
		assertThat(lock.tryLock(200, TimeUnit.MILLISECONDS)).isFalse();
		Duration waited = Duration.ofNanos(System.nanoTime() - start);
		assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(2));
		assertThat(lock.tryLock()).isFalse();
		assertThatExceptionOfType(LockAcquisitionException.class)
			.isThrownBy(() -> instance().withLock("busy", Duration.ofMillis(50), () -> "never"))
			.withMessageContaining("'busy'")
			.satisfies((ex) -> assertThat(ex.getWaited()).isEqualTo(Duration.ofMillis(50)));
		held.release();
		assertThat(instance().trackedKeys()).isZero();
		assertThat(lock.tryLock(Duration.ofSeconds(5), null)).isTrue();
		lock.unlock();
	}

	@Test
	void interruptionStopsTheWaitAndLeavesNothingHeld() throws Exception {
		HeldElsewhere held = holdElsewhere(otherInstance().obtain("interrupt"), null);
		AtomicReference<Throwable> outcome = new AtomicReference<>();
		// Made here: a registry made on the waiter's thread may be parked connecting when it is interrupted.
		DistributedLock waiting = instance().obtain("interrupt");
		Thread waiter = start(() -> {
			try {
				waiting.lockInterruptibly();
				outcome.set(new AssertionError("acquired"));
			}
			catch (Throwable ex) {
				outcome.set(ex);
			}
		});
		await().atMost(Duration.ofSeconds(5)).until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
		waiter.interrupt();
		waiter.join(5000);
		assertThat(outcome.get()).isInstanceOf(InterruptedException.class).hasMessageContaining("'interrupt'");
		held.release();
		await().atMost(Duration.ofSeconds(5)).until(() -> instance().trackedKeys() == 0);
		DistributedLock lock = instance().obtain("interrupt");
		assertThat(lock.tryLock(Duration.ofSeconds(5), null)).isTrue();
		lock.unlock();
	}

	@Test
	void refusesUnlockByANonOwner() throws Exception {
		DistributedLock lock = instance().obtain("owned");
		lock.lock();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		start(() -> {
			try {
				instance().obtain("owned").unlock();
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		}).join(5000);
		assertThat(failure.get()).isInstanceOf(IllegalMonitorStateException.class).hasMessageContaining("'owned'");
		assertThat(lock.isHeldByCurrentThread()).isTrue();
		assertThat(canTakeElsewhere("owned")).isFalse();
		lock.unlock();
		assertThatExceptionOfType(IllegalMonitorStateException.class).isThrownBy(lock::unlock);
	}

	@Test
	void releasingAHoldWhoseLeaseEndedReportsItLostAndLeavesTheNewHolder() throws Exception {
		AbstractLockRegistry registry = instance();
		DistributedLock lock = registry.obtain("lost");
		assertThat(lock.tryLock(Duration.ZERO, Duration.ofMillis(100))).isTrue();
		HeldElsewhere rival = holdElsewhere(otherInstance().obtain("lost"), Duration.ofSeconds(5));
		assertThat(lock.isHeldByCurrentThread()).isFalse();
		assertThatExceptionOfType(LockLostException.class).isThrownBy(lock::unlock).withMessageContaining("'lost'");
		assertThat(registry.losses()).isEqualTo(1);
		assertThat(canTakeElsewhere("lost")).as("the rival still holds it").isFalse();
		rival.release();
		assertThat(registry.trackedKeys()).isZero();
	}

	@Test
	void fencingTokensIncreaseAcrossHandOffsAndInstances() throws Exception {
		List<AbstractLockRegistry> instances = List.of(instance(), otherInstance());
		List<Long> tokens = Collections.synchronizedList(new ArrayList<>());
		ExecutorService pool = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				AbstractLockRegistry registry = instances.get(t % 2);
				// Two threads per instance: releases hand the lease to the other one locally.
				futures.add(pool.submit(() -> {
					for (int i = 0; i < 50; i++) {
						registry.withLock("fence", Duration.ofSeconds(30), () -> {
							tokens.add(LockContext.fencingToken().orElseThrow());
							return null;
						});
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(tokens).hasSize(200).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void aReactiveHoldExcludesOthersUntilReleased() throws Exception {
		LockHold hold = instance().acquire("reactive", Duration.ofSeconds(1), null).block(Duration.ofSeconds(10));
		assertThat(hold.isValid()).isTrue();
		assertThat(hold.fencingToken()).isPositive();
		assertThat(canTakeElsewhere("reactive")).isFalse();
		hold.release().block(Duration.ofSeconds(10));
		assertThat(hold.isValid()).isFalse();
		assertThat(instance().trackedKeys()).isZero();
		LockHold next = otherInstance().acquire("reactive", Duration.ofSeconds(1), null).block(Duration.ofSeconds(10));
		assertThat(next.fencingToken()).isGreaterThan(hold.fencingToken());
		next.release().block(Duration.ofSeconds(10));
	}

	@Test
	void cancellingAReactiveWaitLeavesNothingQueued() throws Exception {
		AbstractLockRegistry holder = otherInstance();
		HeldElsewhere held = holdElsewhere(holder.obtain("cancel"), null);
		AbstractLockRegistry registry = instance();
		// Waiting in the local queue behind a holder of this instance, or in the store's.
		Disposable waiting = registry.acquire("cancel", Duration.ofSeconds(30), null).subscribe();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> (holder == registry) ? registry.state("cancel").hasWaiters() : registry.trackedKeys() == 1);
		waiting.dispose();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> (holder == registry) ? !registry.state("cancel").hasWaiters() : registry.trackedKeys() == 0);
		held.release();
		assertThat(registry.trackedKeys()).isZero();
		// Not kept for the waiter that gave up: a newcomer takes it at once.
		await().atMost(Duration.ofSeconds(5)).until(() -> canTakeElsewhere("cancel"));
		assertThat(registry.activeHolds()).isZero();
	}

	@Test
	void handlesOfOneKeyAreEqualWithinOneRegistry() {
		AbstractLockRegistry registry = instance();
		DistributedLock lock = registry.obtain("handle");
		assertThat(registry.obtain("handle")).isEqualTo(lock).hasSameHashCodeAs(lock);
		assertThat(registry.obtain("other")).isNotEqualTo(lock);
		assertThat(newInstance(LockOptions.DEFAULTS).obtain("handle")).isNotEqualTo(lock);
	}

	/** Whether a new instance's thread can take the lock at once (and then releases it). */
	boolean canTakeElsewhere(String key) throws Exception {
		AbstractLockRegistry other = otherInstance();
		CompletableFuture<Boolean> taken = new CompletableFuture<>();
		start(() -> {
			try {
				taken.complete(other.withLock(key, Duration.ZERO, () -> true));
			}
			catch (LockAcquisitionException ex) {
				taken.complete(false);
			}
			catch (Throwable ex) {
				taken.completeExceptionally(ex);
			}
		});
		return taken.get(10, TimeUnit.SECONDS);
	}

	/**
	 * Takes {@code lock} on a thread of its own, waiting up to {@code wait} (default 5 s), with
	 * the registry's watchdog lease; holds it until {@link HeldElsewhere#release()}.
	 */
	HeldElsewhere holdElsewhere(DistributedLock lock, Duration wait) throws Exception {
		CompletableFuture<Long> token = new CompletableFuture<>();
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Void> released = new CompletableFuture<>();
		start(() -> {
			try {
				if (!lock.tryLock((wait != null) ? wait : Duration.ofSeconds(5), null)) {
					token.completeExceptionally(new AssertionError("not acquired: " + lock));
					return;
				}
				token.complete(lock.fencingToken());
				release.await();
				lock.unlock();
				released.complete(null);
			}
			catch (Throwable ex) {
				token.completeExceptionally(ex);
				released.completeExceptionally(ex);
			}
		});
		return new HeldElsewhere(token.get(20, TimeUnit.SECONDS), release, released);
	}

	final Thread start(Runnable task) {
		Thread thread = new Thread(task, "contract-" + this.threads.size());
		thread.setDaemon(true);
		this.threads.add(thread);
		thread.start();
		return thread;
	}

	/** A lock held by another thread until released. */
	record HeldElsewhere(long token, CountDownLatch releaseSignal, CompletableFuture<Void> released) {

		void release() throws Exception {
			this.releaseSignal.countDown();
			this.released.get(10, TimeUnit.SECONDS);
		}

	}

}
