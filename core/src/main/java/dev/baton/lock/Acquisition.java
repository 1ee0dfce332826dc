package dev.baton.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import dev.baton.lock.LockStore.Attempt;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.lang.Nullable;

/**
 * One owner's way to a hold on one key: the acquisition state machine, written once and driven
 * by two adapters that only wait. A thread ({@link ThreadLock}) parks on {@link #awaited()}; a
 * subscription ({@link ReactiveAcquisition}) registers callbacks on it. Either way the adapter
 * calls {@link #advance} when the awaited future completed or its wait ran out, and
 * {@link #abandon()} when its caller gives up (an interrupt, a cancel); every decision is made
 * here.
 * <pre>
 * start ─enter─► QUEUED ─turn─► lease here?
 *   │                            ├─ none ─────────────────────► ASKING ─granted──► HELD
 *   │                            │                 busy, or TRYAGAIN │ ▲ wake, or 25 ms
 *   │                            │                                    ▼ │
 *   │                            │                               NAPPING
 *   │                            ├─ handed, fresh ───────────────────────────────► HELD
 *   │                            ├─ handed, unconfirmed ─► CONFIRMING ─kept──────► HELD
 *   │                            │  (or without the token   └─lost─► ASKING
 *   │                            │   a subscriber needs: the store issues it, which confirms)
 *   │                            └─ handed, other fixed lease ─► REFIXING ───────► HELD
 *   └─ re-entry of a live hold ──────────────────────────────────────────────────► HELD
 * QUEUED, ASKING, NAPPING, CONFIRMING, REFIXING ─ time out, store failure, interrupt, cancel ─► ABANDONED
 * </pre>
 * Not thread-safe: one adapter drives it, one step at a time.
 */
final class Acquisition {

	private static final Logger logger = LoggerFactory.getLogger(Acquisition.class);

	/** What guards the mutable fields: the one adapter driving the acquisition, a step at a time. */
	private static final String DRIVER = "its driver";

	/** {@link #waitNanos()} when the awaited future bounds itself (the store's own deadline). */
	static final long NO_LIMIT = Long.MAX_VALUE;

	enum State {

		/** Waiting for this JVM's turn on the key (another local owner holds it). */
		QUEUED,

		/**
		 * The local owner asks the store whether it still keeps the lease handed over (renewing
		 * it, or issuing the token an owner that wants it with the lock finds missing).
		 */
		CONFIRMING,

		/** The local owner moves a handed-over lease to the fixed lease it asked for. */
		REFIXING,

		/** The local owner asks the store for the lock. */
		ASKING,

		/**
		 * The store said busy: waiting for its release notice, or the holder's lease end; or it
		 * said ask again shortly (a cluster slot halfway through a migration).
		 */
		NAPPING,

		/** Held; the adapter is done. */
		HELD,

		/** Given up (and everything undone); the adapter is done. */
		ABANDONED

	}

	private final AbstractLockRegistry registry;

	private final KeyState key;

	private final Object owner;

	/**
	 * Whether the hold may be granted without its fencing token: a thread asks for it later if
	 * at all (and most never do); a reactive hold carries it in its subscriber's context from
	 * the start.
	 */
	private final boolean tokenLater;

	@Nullable
	private final Duration lease;

	private final long start;

	private final long deadline;

	@GuardedBy(DRIVER)
	private State state;

	/** This owner's turn on the key: completed when it is the local owner. */
	@Nullable
	@GuardedBy(DRIVER)
	private CompletableFuture<Void> turn;

	/** What the state waits for, and until when (System.nanoTime, or {@link #NO_LIMIT}). */
	@GuardedBy(DRIVER)
	private CompletableFuture<?> awaited;

	@GuardedBy(DRIVER)
	private long awaitUntil = NO_LIMIT;

	/** The store owner of the hold being taken from the store; {@code null} before the first ask. */
	@Nullable
	@GuardedBy(DRIVER)
	private String storeOwner;

	/** Whether this hold's asks may queue in the store (the caller waits). */
	@GuardedBy(DRIVER)
	private boolean queues;

	/** Whether the next ask goes through the store's queue. */
	@GuardedBy(DRIVER)
	private boolean retry;

	/** The last ask's reply, and when it was sent. */
	@Nullable
	@GuardedBy(DRIVER)
	private CompletableFuture<Attempt> reply;

	/** Whether the store answered an earlier ask of this hold. */
	@GuardedBy(DRIVER)
	private boolean answeredBefore;

	/**
	 * Why the store's last answer was "ask again shortly" rather than busy (a cluster slot
	 * halfway through a migration); {@code null} after any other answer. Reported if the wait
	 * runs out before the store settles.
	 */
	@Nullable
	@GuardedBy(DRIVER)
	private Throwable unsettled;

	@GuardedBy(DRIVER)
	private long askedAt;

	/** The release notice armed before the last ask. */
	@GuardedBy(DRIVER)
	private CompletableFuture<Void> wake;

	private Acquisition(AbstractLockRegistry registry, KeyState key, Object owner, @Nullable Duration lease,
			long start, long deadline, boolean tokenLater) {
		this.registry = registry;
		this.key = key;
		this.owner = owner;
		this.lease = lease;
		this.start = start;
		this.deadline = deadline;
		this.tokenLater = tokenLater;
	}

	/**
	 * Starts {@code owner}'s acquisition of {@code key}: re-enters its hold, becomes the local
	 * owner, or queues behind the one there is.
	 * @param wait how long the owner waits in all
	 * @param lease a fixed lease, or {@code null} for the watchdog's
	 * @param start when the caller asked (System.nanoTime)
	 */
	static Acquisition start(AbstractLockRegistry registry, String key, Object owner, Duration wait,
			@Nullable Duration lease, long start) {
		return start(registry, key, owner, wait, lease, start, owner instanceof Thread);
	}

	/**
	 * {@link #start(AbstractLockRegistry, String, Object, Duration, Duration, long)}, saying
	 * whether the hold may be granted without its fencing token.
	 * @param tokenLater {@code true} when the owner asks for the token later if at all (a
	 * thread; the store may then take a free lock more cheaply), {@code false} when it wants it
	 * with the lock
	 */
	static Acquisition start(AbstractLockRegistry registry, String key, Object owner, Duration wait,
			@Nullable Duration lease, long start, boolean tokenLater) {
		long deadline = start + wait.toNanos();
		KeyState state = registry.join(key);
		Acquisition acquisition = new Acquisition(registry, state, owner, lease, start, deadline, tokenLater);
		try {
			acquisition.enter();
		}
		catch (RuntimeException ex) {
			throw acquisition.fail(ex);
		}
		return acquisition;
	}

	private void enter() {
		CompletableFuture<Void> entered = this.key.enter(this.owner);
		while (entered == KeyState.ENDED) {
			// Re-entering a hold whose lease ended: that hold is lost; this is a new acquisition.
			this.registry.lose(this.key, this.owner, this.key.lease());
			entered = this.key.enter(this.owner);
		}
		if (entered == null) {
			this.registry.leave(this.key);
			this.state = State.HELD;
			return;
		}
		this.turn = entered;
		if (entered.isDone()) {
			takeTurn();
		}
		else {
			await(State.QUEUED, entered, this.deadline);
		}
	}

	boolean isHeld() {
		return this.state == State.HELD;
	}

	/** The future the current state waits for. */
	CompletableFuture<?> awaited() {
		return this.awaited;
	}

	/** How long to wait for {@link #awaited()} at most, in ns, or {@link #NO_LIMIT}. */
	long waitNanos() {
		return (this.awaitUntil == NO_LIMIT) ? NO_LIMIT : Math.max(this.awaitUntil - System.nanoTime(), 0);
	}

	/** Whether a store call is in flight: what it takes must land before the owner gives up. */
	boolean waitsForStore() {
		return this.state == State.ASKING || this.state == State.CONFIRMING || this.state == State.REFIXING;
	}

	/** The fencing token of the hold, once {@link #isHeld() held}; {@code 0} for a thread's not issued yet. */
	long token() {
		return this.key.ownerToken();
	}

	/**
	 * The awaited future completed ({@code true}) or the wait ran out ({@code false}): takes the
	 * next step.
	 * @throws LockException when the acquisition failed: it is abandoned, and what it took undone
	 */
	void advance(boolean completed) {
		try {
			step(completed);
		}
		catch (RuntimeException ex) {
			throw fail(ex);
		}
	}

	private void step(boolean completed) {
		switch (this.state) {
			case QUEUED -> {
				if (!completed) {
					throw timedOut();
				}
				takeTurn();
			}
			case CONFIRMING -> {
				if ((Boolean) outcome()) {
					held();
				}
				else {
					take();
				}
			}
			case REFIXING -> {
				if (!(Boolean) outcome()) {
					throw new LockUnavailableException("Lock '" + this.key.key + "' was lost while being handed over",
							this.key.key, AbstractLockRegistry.elapsed(this.start));
				}
				Lease fixed = this.key.lease();
				if (!this.tokenLater && fixed != null && fixed.token() == 0) {
					await(State.CONFIRMING, this.registry.confirmWithToken(this.key, fixed), NO_LIMIT);
				}
				else {
					held();
				}
			}
			case ASKING -> answered(completed);
			case NAPPING -> {
				// Asked before with time left to wait: the store queued it, or (a thread's plain
				// first try) said busy; either way the next ask goes through the queue.
				this.retry = true;
				ask();
			}
			default -> throw new IllegalStateException("Acquisition of '" + this.key.key + "' is " + this.state);
		}
	}

	/**
	 * The owner's turn came: it makes sure this JVM holds the store lease. It takes the lock
	 * from the store unless a lease was handed over; then it moves a watchdog lease to the fixed
	 * one it asked for, or asks the store first when the store has not confirmed it lately, or
	 * uses it as it is.
	 */
	private void takeTurn() {
		Lease current = this.registry.takeOver(this.key);
		if (current == null) {
			take();
		}
		else if (this.lease != null && !this.lease.equals(current.fixed)) {
			await(State.REFIXING, this.registry.refix(this.key, current, this.lease), NO_LIMIT);
		}
		else {
			confirmOrHold(current);
		}
	}

	/**
	 * A lease taken over: confirmed by the store first if it was unconfirmed for too long, or
	 * if this owner wants its token with the lock and the lease has none yet (a thread before it
	 * never asked): the store issues it, which confirms the lease too.
	 */
	private void confirmOrHold(Lease current) {
		if (!this.tokenLater && current.token() == 0) {
			await(State.CONFIRMING, this.registry.confirmWithToken(this.key, current), NO_LIMIT);
		}
		else if (this.registry.mustConfirm(current)) {
			await(State.CONFIRMING, this.registry.confirm(this.key, current), NO_LIMIT);
		}
		else {
			held();
		}
	}

	/** Takes the lock from the store: asks until it grants a hold. */
	private void take() {
		this.storeOwner = this.registry.newStoreOwner();
		this.queues = this.deadline - System.nanoTime() > 0;
		this.retry = this.key.takeQueuedAsk();
		ask();
	}

	/**
	 * One ask of the store. The release notice is armed before asking, so a release published
	 * while the answer travels is not missed.
	 */
	private void ask() {
		this.wake = this.key.armReleaseSignal();
		this.askedAt = System.nanoTime();
		long bound = this.registry.callerBound(this.deadline);
		this.answeredBefore = this.reply != null;
		this.reply = this.registry.store()
			.acquireNow(this.key.key, this.storeOwner, this.registry.leaseTime(this.lease),
					AbstractLockRegistry.remaining(this.deadline), this.registry.options().handoffBudget(), this.retry,
					this.tokenLater);
		await(State.ASKING, this.reply, (bound > 0) ? this.askedAt + bound : NO_LIMIT);
	}

	private void answered(boolean completed) {
		if (!completed) {
			// The store did not answer within the caller's wait: unavailable, unless it answered
			// this hold before (then a busy lock's retry was cut short by the deadline).
			throw (this.answeredBefore && this.unsettled == null) ? timedOut()
					: unavailable((this.unsettled != null) ? this.unsettled
							: new TimeoutException("No answer within the wait"));
		}
		Attempt attempt = (Attempt) outcome();
		if (attempt.acquired()) {
			this.registry.hold(this.key, this.storeOwner, this.lease, attempt.token(), this.askedAt);
			held();
			return;
		}
		this.unsettled = attempt.unsettled();
		long left = this.deadline - System.nanoTime();
		if (left <= 0) {
			throw (this.unsettled != null) ? unavailable(this.unsettled) : timedOut();
		}
		await(State.NAPPING, this.wake, System.nanoTime() + Math.min(attempt.retryIn().toNanos(), left));
	}

	private void held() {
		this.registry.countHold();
		this.state = State.HELD;
		this.awaited = null;
	}

	private void await(State next, CompletableFuture<?> future, long until) {
		this.state = next;
		this.awaited = future;
		this.awaitUntil = until;
	}

	/** The awaited future's value; its failure thrown as it is. */
	private Object outcome() {
		try {
			return this.awaited.getNow(null);
		}
		catch (CompletionException ex) {
			throw (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
		}
	}

	private LockUnavailableException unavailable(Throwable cause) {
		return new LockUnavailableException(this.key.key, AbstractLockRegistry.elapsed(this.start), cause);
	}

	private LockAcquisitionException timedOut() {
		return new LockAcquisitionException(this.key.key, AbstractLockRegistry.elapsed(this.start));
	}

	/**
	 * Gives up because the caller did (an interrupt, a cancel): leaves the local queue or passes
	 * the turn on, and withdraws what the store may have taken; a hold the caller will never see
	 * (a subscriber cancelled as it was granted) is released. No-op once abandoned.
	 */
	void abandon() {
		if (this.state == State.HELD) {
			this.state = State.ABANDONED;
			try {
				this.registry.release(this.key, this.owner)
					.whenComplete((released, ex) -> logger.debug("Released a hold granted to a cancelled caller: {}",
							(ex != null) ? ex.getMessage() : "done"));
			}
			catch (RuntimeException ex) {
				// Its lease had ended already (a lost hold): nothing is left to release.
				logger.debug("A hold granted to a cancelled caller had ended: {}", ex.getMessage());
			}
		}
		else if (this.state != State.ABANDONED) {
			abandonNow();
		}
	}

	/** Abandons on {@code failure} and answers the exception to throw. */
	private RuntimeException fail(RuntimeException failure) {
		RuntimeException thrown = asLockException(failure);
		if (this.state != State.ABANDONED) {
			abandonNow();
		}
		return thrown;
	}

	private void abandonNow() {
		this.state = State.ABANDONED;
		this.awaited = null;
		if (this.storeOwner != null) {
			this.registry.withdraw(this.reply, this.queues, this.key.key, this.storeOwner);
		}
		if (this.turn != null) {
			this.registry.abandon(this.key, this.owner, this.turn);
		}
	}

	private RuntimeException asLockException(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof LockException lockException) {
			return lockException;
		}
		return new LockUnavailableException(this.key.key, AbstractLockRegistry.elapsed(this.start), cause);
	}

}
