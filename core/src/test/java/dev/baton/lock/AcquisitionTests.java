package dev.baton.lock;

import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The acquisition state machine's edges, where a store answer lands at an awkward moment: a
 * store that answers as each test scripts it (the behaviour against a real Redis is the
 * contract suite's). Each test failed before its fix.
 */
class AcquisitionTests {

	private final ScriptedStore store = new ScriptedStore();

	private final AbstractLockRegistry registry = new AbstractLockRegistry(this.store, LockOptions.DEFAULTS) {
	};

	@Test
	void aThreadsRetryGrantedJustAsItsWaitRanOutIsReleased() throws Exception {
		this.store.asks.add(() -> CompletableFuture.completedFuture(LockStore.Attempt.busy(Duration.ofMillis(20))));
		this.store.asks.add(GrantedAsTheTimedWaitGivesUp::new);

		assertThat(this.registry.obtain("k").tryLock(Duration.ofMillis(300), null)).isFalse();

		await().atMost(Duration.ofSeconds(5)).until(() -> this.store.calls.contains("release"));
		assertThat(this.registry.trackedKeys()).isZero();
	}

	@Test
	void aSubscribersRetryGrantedJustAsItsWaitRanOutIsReleased() {
		this.store.asks.add(() -> CompletableFuture.completedFuture(LockStore.Attempt.busy(Duration.ofMillis(20))));
		long deadline = System.nanoTime() + Duration.ofMillis(300).toNanos();
		this.store.asks.add(() -> new GrantedOnceTheDeadlinePassed(deadline));

		assertThatThrownBy(() -> this.registry.acquire("k", Duration.ofMillis(300), null).block(Duration.ofSeconds(5)))
			.isInstanceOf(LockAcquisitionException.class);

		await().atMost(Duration.ofSeconds(5)).until(() -> this.store.calls.contains("release"));
		assertThat(this.registry.trackedKeys()).isZero();
	}

	@Test
	void theNextWaitersSubscriberRunsUnderNoMonitorOfTheAcquisitionThatFailed() throws Exception {
		CompletableFuture<LockStore.Attempt> firstReply = new CompletableFuture<>();
		this.store.asks.add(() -> firstReply);
		Disposable first = this.registry.acquire("m", Duration.ofSeconds(5), null).subscribe(null, (ex) -> {
		});
		AtomicReference<List<String>> monitors = new AtomicReference<>();
		AtomicReference<Boolean> disposedMeanwhile = new AtomicReference<>();
		CountDownLatch secondHeld = new CountDownLatch(1);
		this.registry.acquire("m", Duration.ofSeconds(5), null).doOnNext((hold) -> {
			monitors.set(monitorsHeld());
			// Another thread disposes the first acquisition meanwhile (a timeout operator, say).
			Thread disposer = new Thread(first::dispose);
			disposer.start();
			try {
				disposer.join(2_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			disposedMeanwhile.set(!disposer.isAlive());
			secondHeld.countDown();
		}).subscribe();

		firstReply.completeExceptionally(new IllegalStateException("store failed"));

		assertThat(secondHeld.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(monitors.get()).doesNotContain(ReactiveAcquisition.class.getName());
		assertThat(disposedMeanwhile.get()).as("a dispose from another thread is not held up").isTrue();
	}

	@Test
	void aHoldGrantedToASubscriberThatCancelsBeforeRequestingIsReleased() {
		BaseSubscriber<LockHold> neverRequests = new BaseSubscriber<>() {

			@Override
			protected void hookOnSubscribe(Subscription subscription) {
			}

		};
		this.registry.acquire("n", Duration.ofSeconds(1), null).subscribe(neverRequests);
		assertThat(this.registry.activeHolds()).isOne();

		neverRequests.dispose();

		assertThat(this.registry.activeHolds()).isZero();
		assertThat(this.registry.trackedKeys()).isZero();
		assertThat(this.store.calls).contains("release");
	}

	@Test
	void aFixedLeaseTheStoreDidNotKeepWhenHandedOverIsNotUsedByTheNextOwner() throws Exception {
		DistributedLock lock = this.registry.obtain("r");
		lock.lock();
		AtomicReference<Object> fixed = new AtomicReference<>();
		Thread second = waiter(() -> lock.tryLock(Duration.ofSeconds(10), Duration.ofSeconds(5)), fixed);
		AtomicReference<Object> watched = new AtomicReference<>();
		Thread third = waiter(() -> lock.tryLock(Duration.ofSeconds(10), null), watched);
		await().until(() -> this.registry.state("r").hasWaiters() && third.getState() == Thread.State.TIMED_WAITING);
		this.store.calls.clear();
		this.store.renewed = false;

		lock.unlock();
		second.join(5_000);
		third.join(5_000);

		assertThat(fixed.get()).isInstanceOf(LockUnavailableException.class);
		assertThat(watched.get()).isEqualTo(true);
		assertThat(this.store.calls).as("the third owner asked the store").containsSubsequence("renew", "acquire");
	}

	private static Thread waiter(Attempted attempt, AtomicReference<Object> outcome) {
		Thread thread = new Thread(() -> {
			try {
				outcome.set(attempt.run());
			}
			catch (Throwable ex) {
				outcome.set(ex);
			}
		});
		thread.start();
		await().until(() -> thread.getState() == Thread.State.TIMED_WAITING || outcome.get() != null);
		return thread;
	}

	private static List<String> monitorsHeld() {
		MonitorInfo[] held = ManagementFactory.getThreadMXBean()
			.getThreadInfo(new long[] { Thread.currentThread().getId() }, true, false)[0]
			.getLockedMonitors();
		List<String> names = new ArrayList<>();
		for (MonitorInfo info : held) {
			names.add(info.getClassName());
		}
		return names;
	}

	@FunctionalInterface
	private interface Attempted {

		Object run() throws Exception;

	}

	/** A store that answers acquires as scripted (then grants), records every call by its verb. */
	private static final class ScriptedStore implements LockStore {

		final Queue<Supplier<CompletableFuture<Attempt>>> asks = new ConcurrentLinkedQueue<>();

		final List<String> calls = new CopyOnWriteArrayList<>();

		volatile boolean renewed = true;

		@Override
		public Mono<Attempt> acquire(String key, String owner, Duration lease, Duration willWait, int handoffs,
				boolean retry) {
			return Mono.fromFuture(acquireNow(key, owner, lease, willWait, handoffs, retry));
		}

		@Override
		public CompletableFuture<Attempt> acquireNow(String key, String owner, Duration lease, Duration willWait,
				int handoffs, boolean retry) {
			this.calls.add("acquire");
			Supplier<CompletableFuture<Attempt>> next = this.asks.poll();
			return (next != null) ? next.get() : CompletableFuture.completedFuture(Attempt.acquired(1));
		}

		@Override
		public Mono<Boolean> release(String key, String owner) {
			return Mono.fromSupplier(() -> this.calls.add("release"));
		}

		@Override
		public Mono<Boolean> renew(String key, String owner, Duration lease) {
			return Mono.fromSupplier(() -> this.calls.add("renew") && this.renewed);
		}

		@Override
		public Mono<Void> cancel(String key, String owner) {
			return Mono.fromRunnable(() -> this.calls.add("cancel"));
		}

		@Override
		public void onRelease(Consumer<String> listener) {
		}

	}

	/** A reply that grants the moment the caller's timed wait for it gives up. */
	private static final class GrantedAsTheTimedWaitGivesUp extends CompletableFuture<LockStore.Attempt> {

		@Override
		public LockStore.Attempt get(long timeout, TimeUnit unit) throws TimeoutException {
			complete(LockStore.Attempt.acquired(42));
			throw new TimeoutException();
		}

	}

	/** A reply that grants once the caller's deadline passed, before anyone looks at it again. */
	private static final class GrantedOnceTheDeadlinePassed extends CompletableFuture<LockStore.Attempt> {

		private final long deadline;

		GrantedOnceTheDeadlinePassed(long deadline) {
			this.deadline = deadline;
		}

		@Override
		public boolean isDone() {
			if (System.nanoTime() - this.deadline >= 0 && !super.isDone()) {
				complete(LockStore.Attempt.acquired(42));
			}
			return super.isDone();
		}

	}

}
