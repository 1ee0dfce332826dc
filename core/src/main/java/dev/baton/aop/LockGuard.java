package dev.baton.aop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.baton.Observed;
import dev.baton.WaitObserver.Outcome;
import dev.baton.WaitRecorder;
import dev.baton.lock.DistributedLock;
import dev.baton.lock.DistributedLockRegistry;
import dev.baton.lock.LockAcquisitionException;
import dev.baton.lock.LockContext;
import dev.baton.lock.LockException;
import dev.baton.lock.LockHold;
import dev.baton.lock.LockObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

import org.springframework.lang.Nullable;

/** The locks of one {@code @DistributedLock} call: every key, taken in sorted order within one wait. */
final class LockGuard implements Guard {

	private static final Logger logger = LoggerFactory.getLogger(LockGuard.class);

	private final DistributedLockRegistry registry;

	private final WaitRecorder observer;

	private final String name;

	private final List<String> keys;

	private final Duration wait;

	private final Duration lease;

	private final Outcome timeoutOutcome;

	@Nullable
	private final Duration holdAtLeast;

	private final MinimumHold minimumHold;

	/**
	 * Whether the method's last call asked for its fencing token (one per method): the next
	 * takes the innermost lock with its token then, in one round trip, instead of asking for it
	 * afterwards. Written by every call that holds its locks on its thread; a stale read costs a
	 * round trip or a script, never a wrong token.
	 */
	private final AtomicBoolean asksForToken;

	/**
	 * @param timeoutOutcome how a wait that runs out is counted: {@code TIMEOUT}, or what the
	 * method's timeout policy makes of it
	 * @param holdAtLeast the shortest hold, or {@code null}: the release waits on a timer until
	 * this long after the locks were taken
	 * @param minimumHold the timers of such releases
	 * @param asksForToken whether the method's last call asked for its fencing token
	 */
	LockGuard(DistributedLockRegistry registry, WaitRecorder observer, String name, List<String> keys, Duration wait,
			Duration lease, Outcome timeoutOutcome, @Nullable Duration holdAtLeast, MinimumHold minimumHold,
			AtomicBoolean asksForToken) {
		this.asksForToken = asksForToken;
		this.registry = registry;
		this.observer = observer;
		this.name = name;
		this.keys = keys;
		this.wait = wait;
		this.lease = lease;
		this.timeoutOutcome = timeoutOutcome;
		this.holdAtLeast = holdAtLeast;
		this.minimumHold = minimumHold;
	}

	@Override
	public Permit acquire() throws InterruptedException {
		if (this.holdAtLeast != null) {
			// A thread-bound hold could only be released by this thread, which must not wait for
			// the minimum: take owner-token holds, released later on a timer.
			if (Schedulers.isInNonBlockingThread()) {
				throw new IllegalStateException("@DistributedLock " + this.name + " would block thread "
						+ Thread.currentThread().getName() + ", which must never block; return a Mono there");
			}
			return new ThreadSection(await(acquireAsync()));
		}
		long start = System.nanoTime();
		Observed wait = this.observer.startWait(keyText());
		List<DistributedLock> taken = new ArrayList<>(this.keys.size());
		boolean withToken = this.asksForToken.get();
		for (int i = 0; i < this.keys.size(); i++) {
			String key = this.keys.get(i);
			DistributedLock lock = this.registry.obtain(key);
			boolean acquired;
			try {
				// The method sees the innermost lock's token only.
				acquired = (withToken && i == this.keys.size() - 1) ? lock.tryLockWithToken(remaining(start), this.lease)
						: lock.tryLock(remaining(start), this.lease);
			}
			catch (InterruptedException | RuntimeException ex) {
				waited(wait, Outcome.ERROR, start, ex);
				giveBack(taken);
				throw ex;
			}
			if (!acquired) {
				LockAcquisitionException timeout = new LockAcquisitionException(this.name, key, this.wait);
				waited(wait, this.timeoutOutcome, start, timeout);
				giveBack(taken);
				throw timeout;
			}
			taken.add(lock);
		}
		waited(wait, Outcome.ACQUIRED, start, null);
		return new HeldLocks(taken);
	}

	@Override
	public Mono<Permit> acquireAsync() {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			Observed wait = this.observer.startWait(keyText());
			List<LockHold> holds = Collections.synchronizedList(new ArrayList<>(this.keys.size()));
			return Flux.fromIterable(this.keys)
				.concatMap((key) -> this.registry.acquire(key, remaining(start), this.lease)
					.onErrorMap(LockAcquisitionException.class,
							(ex) -> new LockAcquisitionException(this.name, key, this.wait)))
				.doOnNext(holds::add)
				.then(Mono.fromSupplier(() -> {
					waited(wait, Outcome.ACQUIRED, start, null);
					return (Permit) new ReactiveHolds(List.copyOf(holds));
				}))
				.doOnError((ex) -> {
					releaseQuietly(holds);
					waited(wait, (ex instanceof LockAcquisitionException) ? this.timeoutOutcome : Outcome.ERROR, start,
							ex);
				})
				.doOnCancel(() -> {
					releaseQuietly(holds);
					wait.end("cancelled", null);
				});
		});
	}

	private static Permit await(Mono<Permit> permit) throws InterruptedException {
		CompletableFuture<Permit> future = permit.toFuture();
		try {
			return future.get();
		}
		catch (InterruptedException ex) {
			future.cancel(false);
			throw ex;
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException failure) {
				throw failure;
			}
			throw new IllegalStateException(ex.getCause());
		}
	}

	private Duration remaining(long start) {
		Duration left = this.wait.minusNanos(System.nanoTime() - start);
		return left.isNegative() ? Duration.ZERO : left;
	}

	/** The keys as observations show them: one key as it is, several joined by commas. */
	private String keyText() {
		return (this.keys.size() == 1) ? this.keys.get(0) : String.join(",", this.keys);
	}

	/**
	 * Tells an observed hold the fencing token its method sees (the innermost lock's). Only
	 * when someone observes holds: otherwise neither the token nor its text is made.
	 */
	private static void fenced(Observed hold, long fencingToken) {
		if (hold != Observed.NONE) {
			hold.detail(LockObserver.FENCING_TOKEN, Long.toString(fencingToken));
		}
	}

	private void waited(Observed wait, Outcome outcome, long start, @Nullable Throwable error) {
		this.observer.waited(outcome, System.nanoTime() - start);
		wait.end(outcome.name().toLowerCase(Locale.ROOT), error);
	}

	private void giveBack(List<DistributedLock> taken) {
		for (int i = taken.size() - 1; i >= 0; i--) {
			try {
				taken.get(i).unlock();
			}
			catch (LockException ex) {
				logger.warn("Could not release lock {} after a failed acquisition: {}", this.name, ex.getMessage());
			}
		}
	}

	private void releaseQuietly(List<LockHold> holds) {
		Flux.fromIterable(List.copyOf(holds))
			.concatMap((hold) -> hold.release().onErrorResume((ex) -> {
				logger.warn("Releasing lock {} failed: {}", this.name, ex.getMessage());
				return Mono.empty();
			}))
			.subscribe();
	}

	/** Thread-bound holds, released in reverse order; the first release failure is thrown once all are released. */
	private final class HeldLocks implements Permit {

		private final List<DistributedLock> locks;

		private final long since = LockGuard.this.observer.timeHold() ? System.nanoTime() : 0L;

		private final Observed observed;

		private final AtomicBoolean closed = new AtomicBoolean();

		/**
		 * The section's token source: it notes whether the method asks for the token (the next
		 * call then takes it with the lock) and tells an observed hold the token then.
		 */
		private final LockContext.Section section;

		/** Whether the method asked for the token; only the holding thread reads and writes it. */
		private boolean askedForToken;

		HeldLocks(List<DistributedLock> locks) {
			this.locks = locks;
			this.observed = LockGuard.this.observer.startHold(keyText());
			this.section = LockContext.enter(this::fencingToken);
		}

		/** The innermost lock's token, as the method sees it; the first time, noted and told to the observation. */
		private long fencingToken() {
			long token = this.locks.get(this.locks.size() - 1).fencingToken();
			if (!this.askedForToken) {
				this.askedForToken = true;
				fenced(this.observed, token);
			}
			return token;
		}

		@Override
		public void close() {
			if (!this.closed.compareAndSet(false, true)) {
				return;
			}
			this.section.close();
			if (LockGuard.this.asksForToken.get() != this.askedForToken) {
				LockGuard.this.asksForToken.set(this.askedForToken);
			}
			if (this.since != 0L) {
				LockGuard.this.observer.held(System.nanoTime() - this.since);
			}
			LockException failure = null;
			for (int i = this.locks.size() - 1; i >= 0; i--) {
				try {
					this.locks.get(i).unlock();
				}
				catch (LockException ex) {
					failure = (failure != null) ? failure : ex;
				}
			}
			this.observed.end(null, failure);
			if (failure != null) {
				throw failure;
			}
		}

	}

	/** Subscription-bound holds; released without blocking, failures logged and counted by the registry. */
	private final class ReactiveHolds implements Permit {

		private final List<LockHold> holds;

		/** Read always: a minimum hold counts from it. */
		private final long since = System.nanoTime();

		private final Observed observed;

		private final AtomicBoolean closed = new AtomicBoolean();

		ReactiveHolds(List<LockHold> holds) {
			this.holds = holds;
			this.observed = LockGuard.this.observer.startHold(keyText());
			if (this.observed != Observed.NONE) {
				fenced(this.observed, innermost().fencingToken());
			}
		}

		@Override
		public void close() {
			if (!this.closed.compareAndSet(false, true)) {
				return;
			}
			if (LockGuard.this.holdAtLeast == null) {
				release();
			}
			else {
				LockGuard.this.minimumHold.release(LockGuard.this.holdAtLeast, this.since, this::release);
			}
		}

		private void release() {
			if (LockGuard.this.observer.timeHold()) {
				LockGuard.this.observer.held(System.nanoTime() - this.since);
			}
			releaseQuietly(new ArrayList<>(this.holds));
			this.observed.end(null, null);
		}

		/** The innermost lock's fencing token, as {@code withLock} gives it. */
		@Override
		public ContextView context() {
			return LockContext.with(innermost());
		}

		LockHold innermost() {
			return this.holds.get(this.holds.size() - 1);
		}

	}

	/** Owner-token holds used by a blocking method: its thread sees the fencing token while it runs. */
	private static final class ThreadSection implements Permit {

		private final Permit holds;

		private final LockContext.Section section;

		ThreadSection(Permit holds) {
			this.holds = holds;
			this.section = LockContext.enter(((ReactiveHolds) holds).innermost());
		}

		@Override
		public void close() {
			this.section.close();
			this.holds.close();
		}

	}

}
