package dev.baton.lock;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import dev.baton.lock.LockStore.Attempt;
import dev.baton.redis.DeadlineTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.lang.Nullable;

/**
 * The part every registry shares, whatever the store: local FIFO queueing per key, hand-off of
 * a held lease to the next local waiter within a fairness budget, the renewal watchdog, and
 * waiting for the store's release notification. Subclasses only choose the store.
 */
abstract class AbstractLockRegistry implements DistributedLockRegistry, LockRegistryStatistics {

	private static final Logger logger = LoggerFactory.getLogger(AbstractLockRegistry.class);

	private final LockStore store;

	private final LockOptions options;

	private final String instanceId = UUID.randomUUID().toString();

	private final AtomicLong holdIds = new AtomicLong();

	private final ConcurrentHashMap<String, KeyState> states = new ConcurrentHashMap<>();

	private final AtomicInteger active = new AtomicInteger();

	private final LongAdder renewals = new LongAdder();

	private final LongAdder losses = new LongAdder();

	AbstractLockRegistry(LockStore store, LockOptions options) {
		this.store = store;
		this.options = options;
		store.onRelease(this::released);
	}

	/**
	 * A handle on the lock for {@code key}: a new one per call, equal (and of equal hash code)
	 * to every other handle of this registry for the same key; holds belong to threads, not
	 * handles.
	 */
	@Override
	public DistributedLock obtain(String key) {
		if (key == null || key.isEmpty()) {
			throw new IllegalArgumentException("Lock key must not be null or empty");
		}
		return new ThreadLock(this, key);
	}

	@Override
	public Mono<LockHold> acquire(String key, Duration wait, Duration lease) {
		return Mono.defer(() -> {
			ReactiveHold hold = new ReactiveHold(this, key);
			long start = System.nanoTime();
			return acquire(key, hold, wait, lease, start).then(Mono.fromSupplier(() -> {
				hold.granted();
				return hold;
			}));
		});
	}

	@Override
	public int activeHolds() {
		return this.active.get();
	}

	@Override
	public long renewals() {
		return this.renewals.sum();
	}

	@Override
	public long losses() {
		return this.losses.sum();
	}

	/** Keys this JVM holds or waits for right now. */
	int trackedKeys() {
		return this.states.size();
	}

	/**
	 * Takes the lock for {@code owner}: completes empty when held (re-entered or acquired),
	 * errors with a {@link LockException} otherwise. Cancelling gives up cleanly.
	 */
	Mono<Void> acquire(String key, Object owner, Duration wait, Duration lease, long startNanos) {
		KeyState state = join(key);
		CompletableFuture<Void> entered = state.enter(owner);
		while (entered == KeyState.ENDED) {
			endHold(state, owner, state.lease());
			entered = state.enter(owner);
		}
		if (entered == null) {
			leave(state);
			return Mono.empty();
		}
		CompletableFuture<Void> granted = entered;
		long deadline = startNanos + wait.toNanos();
		Mono<Void> storeLease = Mono.defer(() -> ensureLease(state, lease, deadline, startNanos));
		// Granted at once (the common case): no local wait to compose with.
		Mono<Void> held = granted.isDone() ? storeLease
				: DeadlineTimer.within(Mono.fromFuture(granted, true), remaining(deadline))
					.onErrorMap(TimeoutException.class, (ex) -> new LockAcquisitionException(key, elapsed(startNanos)))
					.then(storeLease);
		return held
			.doOnSuccess((ignored) -> countHold())
			.doOnError((ex) -> giveUp(state, owner, granted))
			.doOnCancel(() -> giveUp(state, owner, granted));
	}

	/**
	 * The local owner makes sure this JVM holds the store lease: reuses a handed-off one (asking
	 * the store first when it has not confirmed it lately) or takes one.
	 */
	private Mono<Void> ensureLease(KeyState state, Duration lease, long deadline, long startNanos) {
		Lease current = takeOver(state);
		return switch (leaseStep(current, lease)) {
			case HELD -> Mono.empty();
			case REFIX -> refix(state, current, lease);
			case CONFIRM -> confirm(state, current).flatMap((confirmed) -> confirmed ? Mono.<Void>empty()
					: takeFromStore(state, lease, deadline, startNanos));
			case TAKE -> takeFromStore(state, lease, deadline, startNanos);
		};
	}

	/** What a new local owner does to hold the store lease: one decision for threads and subscribers. */
	enum LeaseStep {

		/** Uses the lease handed over as it is. */
		HELD,

		/** Asked for a fixed lease on a handed-over watchdog lease: moves its expiry. */
		REFIX,

		/** Asks the store whether it still keeps the lease handed over, before using it. */
		CONFIRM,

		/** Takes the lock from the store. */
		TAKE

	}

	/**
	 * The step for a new local owner asking for {@code lease} (fixed, or {@code null}) that took
	 * over {@code current} ({@code null}: none).
	 */
	LeaseStep leaseStep(@Nullable Lease current, @Nullable Duration lease) {
		if (current == null) {
			return LeaseStep.TAKE;
		}
		if (lease != null && !lease.equals(current.fixed)) {
			return LeaseStep.REFIX;
		}
		return mustConfirm(current) ? LeaseStep.CONFIRM : LeaseStep.HELD;
	}

	private Mono<Void> takeFromStore(KeyState state, Duration lease, long deadline, long startNanos) {
		String storeOwner = newStoreOwner();
		return attemptStore(state, storeOwner, leaseTime(lease), deadline, startNanos)
			.doOnNext((granted) -> hold(state, storeOwner, lease, granted.token(), granted.askedAt()))
			.then();
	}

	/**
	 * The lease this JVM still holds for the key, now the new local owner's (a hand-off); or
	 * {@code null} when the owner must ask the store, after giving back a lease that ran out.
	 */
	@Nullable
	Lease takeOver(KeyState state) {
		Lease current = state.lease();
		if (current != null && current.isValid()) {
			state.ownerToken(current.token());
			return current;
		}
		if (current != null) {
			discard(state, current);
		}
		return null;
	}

	/** A fresh store owner: one per hold taken from the store, shared by the local owners it is handed to. */
	String newStoreOwner() {
		return this.instanceId + ":" + this.holdIds.incrementAndGet();
	}

	/** The store lease to ask for: the fixed one, or the registry's, renewed by the watchdog. */
	Duration leaseTime(@Nullable Duration lease) {
		return (lease != null) ? lease : this.options.leaseTime();
	}

	/**
	 * The store granted a hold, asked for at {@code askedAt} (System.nanoTime): it is now this
	 * JVM's lease, with the watchdog renewing it unless {@code lease} is fixed.
	 */
	void hold(KeyState state, String storeOwner, @Nullable Duration lease, long token, long askedAt) {
		Lease taken = new Lease(storeOwner, lease, this.options.leaseTime(), token, askedAt);
		state.install(taken);
		state.ownerToken(token);
		if (lease == null) {
			startWatchdog(state.key, taken);
		}
		else {
			endAtExpiry(state, taken);
		}
	}

	/**
	 * A fixed lease ends the local hold when it runs out, as it does for every other instance:
	 * the next local waiter becomes the owner then, not when the holder unlocks (maybe never).
	 * The wheel's thread only hands the work on: granting may run a waiter's continuation.
	 */
	private void endAtExpiry(KeyState state, Lease lease) {
		Duration left = Duration.ofNanos(Math.max(lease.validUntilNanos() - System.nanoTime(), 0));
		lease.watch(DeadlineTimer.after(left,
				() -> Schedulers.parallel().schedule(() -> endHold(state, null, lease))));
	}

	/**
	 * Ends the local hold on {@code lease}, which ran out or was lost while held: the hold is
	 * lost (counted once), the owner finds it so when it releases, the lease is given back to
	 * the store (for nobody: the store lets its waiters in at once), and then the next local
	 * waiter becomes the owner. Nothing happens when the hold was released meanwhile.
	 * @param owner the owner whose hold it must be, or {@code null} for whoever holds {@code lease}
	 */
	void endHold(KeyState state, @Nullable Object owner, @Nullable Lease lease) {
		state.endHold(owner, lease, () -> {
			this.active.decrementAndGet();
			if (lease != null) {
				markLost(state.key, lease);
				this.store.release(state.key, lease.storeOwner)
					.subscribe(null, (ex) -> logger.debug("Could not release an ended lease", ex));
			}
		});
	}

	/** Whether a handed-off lease must be confirmed by the store before the new owner uses it. */
	boolean mustConfirm(Lease lease) {
		// A tenth of the lease, at most a second: how long a hand-off may trust the local clock alone.
		long maxAge = Math.min(lease.renewalLease.toNanos() / 10, 1_000_000_000L);
		return lease.unconfirmedFor(maxAge);
	}

	/**
	 * Asks the store whether it still keeps a handed-off lease (renewing it): {@code true} when
	 * it does; {@code false} when it lost it (the hold is lost and the lease dropped: the owner
	 * takes the lock from the store anew). Store errors are {@link LockUnavailableException}s.
	 */
	Mono<Boolean> confirm(KeyState state, Lease lease) {
		return Mono.defer(() -> {
			long askedAt = System.nanoTime();
			return DeadlineTimer.within(this.store.renew(state.key, lease.storeOwner, lease.renewalLease),
					this.options.storeTimeout())
				.onErrorMap((ex) -> !(ex instanceof LockException),
						(ex) -> new LockUnavailableException(state.key, Duration.ZERO, ex))
				.map((renewed) -> {
					if (renewed) {
						lease.renewed(askedAt);
						return true;
					}
					markLost(state.key, lease);
					state.detach(lease);
					return false;
				});
		});
	}

	/** One store attempt after another, waking on the release notification or the lease's end. */
	private Mono<Granted> attemptStore(KeyState state, String storeOwner, Duration lease, long deadline,
			long startNanos) {
		boolean queues = !remaining(deadline).isZero();
		AtomicReference<CompletableFuture<Attempt>> inFlight = new AtomicReference<>();
		return attempt(state, storeOwner, lease, deadline, startNanos, state.takeQueuedAsk(), inFlight)
			.onErrorMap((ex) -> !(ex instanceof LockException),
					(ex) -> new LockUnavailableException(state.key, elapsed(startNanos), ex))
			.doOnError((ex) -> giveBackWhenLanded(inFlight.get(), queues, state.key, storeOwner,
					ex instanceof LockAcquisitionException))
			.doOnCancel(() -> giveBackWhenLanded(inFlight.get(), queues, state.key, storeOwner, false));
	}

	/**
	 * {@link #giveBack} once the store call still in flight, if any, has landed: what the call
	 * took is then known and given back after it, whatever path the call took (an EVALSHA
	 * answered NOSCRIPT is sent again as EVAL, after anything sent meanwhile).
	 * @param refused whether the store plainly said "busy" (of a call that had landed)
	 */
	void giveBackWhenLanded(@Nullable CompletableFuture<Attempt> inFlight, boolean queued, String key,
			String storeOwner, boolean refused) {
		if (inFlight == null || inFlight.isDone()) {
			giveBack(queued, key, storeOwner, refused);
			return;
		}
		inFlight.whenComplete((attempt, ex) -> giveBack(queued, key, storeOwner,
				attempt != null && !attempt.acquired()));
	}

	/**
	 * How long a store call may keep the caller waiting, in ns: up to its deadline, or
	 * {@code 0} when the store's own timeout comes first (or the caller never waited), so that
	 * the store bounds the call alone.
	 */
	long callerBound(long deadline) {
		long left = deadline - System.nanoTime();
		return (left > 0 && left < this.options.storeTimeout().toNanos()) ? left : 0;
	}

	/**
	 * Undoes what a failed or abandoned attempt may have left in the store: its place in the
	 * queue and, unless the store plainly said "busy", the lock itself, which the script may have
	 * taken before its answer was lost to a deadline or a cancel. Both are no-ops for an owner
	 * that has neither.
	 */
	void giveBack(boolean queued, String key, String storeOwner, boolean refused) {
		cancelQueued(queued, key, storeOwner);
		if (!refused) {
			this.store.release(key, storeOwner)
				.subscribe(null, (ex) -> logger.debug("Could not release an abandoned attempt's lock", ex));
		}
	}

	/**
	 * One store attempt; when busy, the next one is chained after the wake-up. The signal is
	 * armed before asking, so a release published while the answer travels is not missed.
	 * @param retry whether an earlier attempt of this hold was answered busy, and queued it
	 */
	private Mono<Granted> attempt(KeyState state, String storeOwner, Duration lease, long deadline, long startNanos,
			boolean retry, AtomicReference<CompletableFuture<Attempt>> inFlight) {
		return Mono.defer(() -> {
			CompletableFuture<Void> signal = state.armReleaseSignal();
			long askedAt = System.nanoTime();
			long bound = callerBound(deadline);
			CompletableFuture<Attempt> reply = this.store.acquireNow(state.key, storeOwner, lease, remaining(deadline),
					this.options.handoffBudget(), retry);
			boolean answeredBefore = inFlight.getAndSet(reply) != null;
			// Cancelling the wait does not cancel the call: what it took is given back when it lands.
			Mono<Attempt> answer = Mono.fromFuture(reply, true);
			if (bound > 0) {
				answer = DeadlineTimer.within(answer, Duration.ofNanos(bound))
					.onErrorMap((ex) -> ex instanceof TimeoutException && !reply.isDone(),
							(ex) -> answeredBefore ? new LockAcquisitionException(state.key, elapsed(startNanos))
									: new LockUnavailableException(state.key, elapsed(startNanos), ex));
			}
			return answer
				.flatMap((result) -> {
					if (result.acquired()) {
						return Mono.just(new Granted(result.token(), askedAt));
					}
					Duration left = remaining(deadline);
					if (left.isZero()) {
						return Mono.error(new LockAcquisitionException(state.key, elapsed(startNanos)));
					}
					Duration nap = (result.retryIn().compareTo(left) < 0) ? result.retryIn() : left;
					return Mono.firstWithSignal(Mono.fromFuture(signal, true), Mono.delay(nap).then())
						// Asked with time left to wait, so the store queued it.
						.then(attempt(state, storeOwner, lease, deadline, startNanos, true, inFlight));
				});
		});
	}

	/**
	 * Gives the owner's hold back: the last hold of the owner either hands the lease to the
	 * next local waiter (within the fairness budget) or releases it in the store. Local state is
	 * cleared and renewal stopped whatever the store answers.
	 */
	Mono<Void> release(KeyState state, Object owner) {
		Lease lease = relinquish(state, owner);
		if (lease == null) {
			return Mono.empty();
		}
		return this.store.release(state.key, lease.storeOwner)
			.onErrorMap((ex) -> new LockUnavailableException(state.key, Duration.ZERO, ex))
			.flatMap((released) -> {
				LockLostException lost = checkLost(state.key, lease, released);
				return (lost != null) ? Mono.<Void>error(lost) : Mono.<Void>empty();
			})
			// Before the caller hears of it: a thread that locks again at once must find the key free.
			.doOnTerminate(() -> exitAndLeave(state))
			.doOnCancel(() -> exitAndLeave(state));
	}

	/**
	 * One hold of the owner fewer. When it was the last: hands the lease to the next local
	 * waiter (within the fairness budget), or stops its renewal and returns it for the caller
	 * to release in the store and then {@link #exitAndLeave} the key.
	 * @return the lease to release in the store, or {@code null} when there is none (the owner
	 * still holds, handed the lease over, or held none; local state is settled then)
	 */
	@Nullable
	Lease relinquish(KeyState state, Object owner) {
		switch (state.decrement(owner)) {
			case HELD, ENDED_HELD:
				return null;
			case ENDED_LAST:
				leave(state);
				throwLostUnlessLogged(state.key);
				return null;
			case LAST:
				break;
		}
		this.active.decrementAndGet();
		Lease lease = state.lease();
		boolean handoff = lease != null && lease.isValid() && lease.fixed == null && state.hasWaiters()
				&& lease.handoffs() < this.options.handoffBudget();
		if (handoff) {
			lease.handOff();
			exitAndLeave(state);
			return null;
		}
		state.detach(lease);
		if (lease == null) {
			exitAndLeave(state);
			return null;
		}
		lease.stopRenewal();
		return lease;
	}

	/** The owner released a hold that had ended with its lease (counted lost then). */
	private void throwLostUnlessLogged(String key) {
		LockLostException ex = new LockLostException(key, Duration.ZERO);
		if (this.options.throwOnLost()) {
			throw ex;
		}
		logger.warn(ex.getMessage());
	}

	KeyState state(String key) {
		return this.states.get(key);
	}

	LockStore store() {
		return this.store;
	}

	LockOptions options() {
		return this.options;
	}

	/** A local owner now holds the lock: active until it {@link #relinquish relinquishes} it. */
	void countHold() {
		this.active.incrementAndGet();
	}

	/**
	 * What the store's answer to a release means: {@code null} when the section was protected
	 * to the end; otherwise the lock was lost (counted), and the exception to throw, or
	 * {@code null} once logged when the options say not to throw.
	 */
	@Nullable
	LockLostException checkLost(String key, Lease lease, boolean released) {
		if (released && !lease.isLost()) {
			return null;
		}
		if (lease.markLost()) {
			this.losses.increment();
		}
		LockLostException ex = new LockLostException(key, Duration.ZERO);
		if (this.options.throwOnLost()) {
			return ex;
		}
		logger.warn(ex.getMessage());
		return null;
	}

	private void startWatchdog(String key, Lease lease) {
		// Not Duration.dividedBy: it divides through BigDecimal, a measurable cost on every lock.
		Duration period = Duration.ofNanos(lease.renewalLease.toNanos() / 3);
		Duration timeout = min(period, this.options.storeTimeout());
		lease.watch(DeadlineTimer.every(period, () -> {
			long start = System.nanoTime();
			return DeadlineTimer.within(this.store.renew(key, lease.storeOwner, lease.renewalLease), timeout)
				.doOnNext((renewed) -> renewalResult(key, lease, renewed, start))
				.onErrorResume((ex) -> {
					renewalFailed(key, lease, ex);
					return Mono.empty();
				});
		}));
	}

	private void renewalResult(String key, Lease lease, boolean renewed, long start) {
		if (renewed) {
			lease.renewed(start);
			this.renewals.increment();
			return;
		}
		markLost(key, lease);
	}

	private void renewalFailed(String key, Lease lease, Throwable ex) {
		if (lease.isValid()) {
			logger.debug("Renewal of a lock failed; will retry while the lease lasts", ex);
			return;
		}
		logger.warn("Lock lease lost: renewals failed until the lease ran out ({})", ex.getMessage());
		markLost(key, lease);
	}

	private void markLost(String key, Lease lease) {
		if (lease.markLost()) {
			this.losses.increment();
			logger.warn("Lock lost: its lease expired or was taken over before release");
		}
		lease.stopRenewal();
	}

	/** A receiver asked for a fixed lease on a handed-off watchdog lease: stop renewing and move its expiry. */
	Mono<Void> refix(KeyState state, Lease current, Duration lease) {
		current.stopRenewal();
		Lease fixed = new Lease(current.storeOwner, lease, current.renewalLease, current.token(), current.handoffs(),
				System.nanoTime());
		state.install(fixed);
		endAtExpiry(state, fixed);
		return DeadlineTimer.within(this.store.renew(state.key, current.storeOwner, lease), this.options.storeTimeout())
			.onErrorMap((ex) -> !(ex instanceof LockException),
					(ex) -> new LockUnavailableException(state.key, Duration.ZERO, ex))
			.flatMap((renewed) -> renewed ? Mono.<Void>empty()
					: Mono.error(new LockUnavailableException("Lock '" + state.key
							+ "' was lost while being handed over", state.key, Duration.ZERO)));
	}

	private void discard(KeyState state, Lease stale) {
		state.detach(stale);
		stale.stopRenewal();
		this.store.release(state.key, stale.storeOwner)
			.subscribe(null, (ex) -> logger.debug("Could not release a stale lease", ex));
	}

	void giveUp(KeyState state, Object owner, CompletableFuture<Void> granted) {
		if (state.abandon(owner, granted)) {
			leave(state);
			return;
		}
		// Granted locally but the store refused or we were cancelled: pass the turn on.
		exitAndLeave(state);
	}

	private void cancelQueued(boolean queued, String key, String storeOwner) {
		if (!queued) {
			return;
		}
		this.store.cancel(key, storeOwner).subscribe(null, (ex) -> logger.debug("Could not leave the lock queue", ex));
	}

	void exitAndLeave(KeyState state) {
		state.exit();
		leave(state);
	}

	KeyState join(String key) {
		return this.states.compute(key, (k, state) -> {
			KeyState joined = (state != null) ? state : new KeyState(k);
			joined.join();
			return joined;
		});
	}

	void leave(KeyState state) {
		boolean[] removed = new boolean[1];
		this.states.computeIfPresent(state.key, (k, current) -> {
			if (current != state || !current.leave()) {
				return current;
			}
			removed[0] = true;
			return null;
		});
		if (removed[0]) {
			Lease orphan = state.lease();
			if (orphan != null) {
				discard(state, orphan);
			}
		}
	}

	private void released(String key) {
		KeyState state = this.states.get(key);
		if (state != null) {
			state.signalRelease();
		}
	}

	static Duration remaining(long deadlineNanos) {
		long left = deadlineNanos - System.nanoTime();
		return (left > 0) ? Duration.ofNanos(left) : Duration.ZERO;
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	static Duration elapsed(long startNanos) {
		return Duration.ofNanos(System.nanoTime() - startNanos);
	}

	/**
	 * A store grant and when it was asked for: the lease started in the store at some point
	 * after that, so counting from there never lets this JVM believe in a lease the store has
	 * already let go.
	 */
	private record Granted(long token, long askedAt) {
	}

}
