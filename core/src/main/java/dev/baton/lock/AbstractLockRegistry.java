package dev.baton.lock;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.baton.lock.LockStore.Attempt;
import dev.baton.redis.DeadlineTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;

/**
 * The part every registry shares, whatever the store: the keys this JVM holds or waits for,
 * each with its local FIFO queue ({@link KeyState}), the store lease its local owners share
 * ({@link Lease}, kept alive by a {@link LeaseWatch}) and the transitions of a hold. Acquiring
 * is one state machine ({@link Acquisition}) that threads and subscribers drive alike; this
 * class carries out its transitions. Subclasses only choose the store.
 * <p>
 * The verbs, one per transition, in code, logs and README alike: a caller <em>enters</em> the
 * key's local queue; the local owner <em>takes</em> the lock from the store, or is
 * <em>handed</em> the lease by the owner before it; the watchdog <em>renews</em> the lease; the
 * owner <em>releases</em> its hold (handing the lease off, or releasing it in the store); a
 * lease that ran out or vanished is <em>lost</em>; a caller that gives up <em>abandons</em> its
 * acquisition, which <em>withdraws</em> what its store attempts may have left.
 */
abstract class AbstractLockRegistry implements DistributedLockRegistry, LockRegistryStatistics {

	private static final Logger logger = LoggerFactory.getLogger(AbstractLockRegistry.class);

	private final LockStore store;

	private final LockOptions options;

	private final String instanceId = UUID.randomUUID().toString();

	private final AtomicLong holdIds = new AtomicLong();

	private final ConcurrentHashMap<String, KeyState> states = new ConcurrentHashMap<>();

	private final AtomicInteger active = new AtomicInteger();

	private final LongAdder losses = new LongAdder();

	private final LeaseWatch watch;

	AbstractLockRegistry(LockStore store, LockOptions options) {
		this.store = store;
		this.options = options;
		this.watch = new LeaseWatch(this);
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
			return ReactiveAcquisition.drive(() -> Acquisition.start(this, key, hold, wait, lease, start))
				.map((held) -> hold.granted(held.token()));
		});
	}

	@Override
	public int activeHolds() {
		return this.active.get();
	}

	@Override
	public long renewals() {
		return this.watch.renewals();
	}

	@Override
	public long losses() {
		return this.losses.sum();
	}

	/** Keys this JVM holds or waits for right now. */
	int trackedKeys() {
		return this.states.size();
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

	// Taking a hold: what an Acquisition asks of the registry.

	/**
	 * The lease this JVM still holds for the key, now the new local owner's (handed to it); or
	 * {@code null} when the owner must take the lock from the store, after dropping a lease that
	 * ran out.
	 */
	@Nullable
	Lease takeOver(KeyState state) {
		Lease current = state.lease();
		if (current != null && current.isValid()) {
			state.ownerToken(current.token());
			return current;
		}
		if (current != null) {
			state.detach(current);
			drop(state.key, current);
		}
		return null;
	}

	/** Whether a handed-off lease must be confirmed by the store before the new owner uses it. */
	boolean mustConfirm(Lease lease) {
		// A tenth of the lease, at most a second: how long a hand-off may trust the local clock alone.
		long maxAge = Math.min(lease.renewalLease.toNanos() / 10, 1_000_000_000L);
		return lease.unconfirmedFor(maxAge);
	}

	/**
	 * Asks the store whether it still keeps a handed-off lease (renewing it): {@code true} when
	 * it does; {@code false} when it lost it (the lease is lost and detached: the owner takes the
	 * lock from the store anew).
	 */
	CompletableFuture<Boolean> confirm(KeyState state, Lease lease) {
		long askedAt = System.nanoTime();
		return renewWithin(state.key, lease.storeOwner, lease.renewalLease).thenApply((renewed) -> {
			if (renewed) {
				lease.renewed(askedAt);
			}
			else if (state.lease() == lease) {
				// (Not when the owner gave up meanwhile, and the lease was dropped with it.)
				lost(state.key, lease);
				state.detach(lease);
			}
			return renewed;
		});
	}

	/**
	 * A new owner asked for a fixed lease on a handed-off watchdog lease: the watchdog stops, the
	 * fixed lease's end is set, and the store moves its expiry ({@code false}: it had lost it;
	 * then, or when the store did not answer, the lease is lost and dropped).
	 */
	CompletableFuture<Boolean> refix(KeyState state, Lease current, Duration lease) {
		current.unwatch();
		Lease fixed = new Lease(current.storeOwner, lease, current.renewalLease, current.token(), current.handoffs(),
				System.nanoTime());
		state.install(fixed);
		this.watch.endAtExpiry(state, fixed);
		return renewWithin(state.key, current.storeOwner, lease).whenComplete((renewed, ex) -> {
			if (!Boolean.TRUE.equals(renewed) && state.lease() == fixed) {
				// Not kept, or unknown: no later owner may use it as if the store had confirmed it.
				lost(state.key, fixed);
				state.detach(fixed);
				drop(state.key, fixed);
			}
		});
	}

	private CompletableFuture<Boolean> renewWithin(String key, String storeOwner, Duration lease) {
		return DeadlineTimer.within(this.store.renew(key, storeOwner, lease), this.options.storeTimeout()).toFuture();
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
	 * How long a store call may keep the caller waiting, in ns: up to its deadline, or
	 * {@code 0} when the store's own timeout comes first (or the caller never waited), so that
	 * the store bounds the call alone.
	 */
	long callerBound(long deadline) {
		long left = deadline - System.nanoTime();
		return (left > 0 && left < this.options.storeTimeout().toNanos()) ? left : 0;
	}

	/**
	 * The store granted a hold, asked for at {@code askedAt} (System.nanoTime): it is now this
	 * JVM's lease, renewed by the watchdog unless {@code lease} is fixed (then it ends the local
	 * hold when it runs out).
	 */
	void hold(KeyState state, String storeOwner, @Nullable Duration lease, long token, long askedAt) {
		Lease taken = new Lease(storeOwner, lease, this.options.leaseTime(), token, askedAt);
		state.install(taken);
		state.ownerToken(token);
		if (lease == null) {
			this.watch.renew(state.key, taken);
		}
		else {
			this.watch.endAtExpiry(state, taken);
		}
	}

	/**
	 * The fencing token of the key's current local owner, a thread, issued by the store now if
	 * its hold was granted without one (and cached: asked again, it is the same). Blocks for the
	 * store's answer, within the store timeout.
	 * @throws LockLostException if the hold ended: no token is issued to a former holder
	 * @throws LockUnavailableException if the store did not answer
	 */
	long fencingToken(KeyState state) {
		long token = state.ownerToken();
		if (token != 0) {
			return token;
		}
		Lease lease = state.lease();
		if (lease == null || !lease.isValid()) {
			throw tokenRefused(state.key);
		}
		long issued;
		try {
			issued = issueToken(state, lease).join();
		}
		catch (CompletionException ex) {
			throw new LockUnavailableException(state.key, Duration.ZERO, (ex.getCause() != null) ? ex.getCause() : ex);
		}
		if (issued < 0) {
			throw tokenRefused(state.key);
		}
		return issued;
	}

	/**
	 * Confirms a handed-off lease that has no token yet by having the store issue one, for a new
	 * owner that wants it with the lock (a subscriber): {@code true} when issued; {@code false}
	 * when the store lost the hold (the lease is lost and detached: the owner takes the lock
	 * from the store anew).
	 */
	CompletableFuture<Boolean> confirmWithToken(KeyState state, Lease lease) {
		return issueToken(state, lease).thenApply((issued) -> {
			if (issued > 0) {
				return true;
			}
			if (state.lease() == lease) {
				state.detach(lease);
			}
			return false;
		});
	}

	/**
	 * Asks the store for the token of the key's current local owner, reserving the rest of the
	 * hand-off budget after it, and records it; {@code -1} (the lease counted lost) when the
	 * store no longer keeps the hold.
	 */
	private CompletableFuture<Long> issueToken(KeyState state, Lease lease) {
		int handoffsLeft = Math.max(this.options.handoffBudget() - lease.handoffs(), 0);
		return this.store.issueToken(state.key, lease.storeOwner, handoffsLeft).thenApply((issued) -> {
			if (issued > 0) {
				lease.issued(issued);
				state.ownerToken(issued);
			}
			else if (state.lease() == lease) {
				lost(state.key, lease);
			}
			return issued;
		});
	}

	private static LockLostException tokenRefused(String key) {
		return new LockLostException("Lock '" + key + "' was lost before its fencing token was asked for: its lease"
				+ " expired, so no token is issued and the section may not be exclusive", key);
	}

	/** A local owner now holds the lock: active until it releases it. */
	void countHold() {
		this.active.incrementAndGet();
	}

	// Giving up: an Acquisition's caller stopped waiting.

	/**
	 * An owner gives up its place: leaves the local queue, or, when its turn had come (the
	 * grant won the race), passes the turn on.
	 */
	void abandon(KeyState state, Object owner, CompletableFuture<Void> turn) {
		if (state.abandon(owner, turn)) {
			leave(state);
			return;
		}
		exit(state);
	}

	/**
	 * Withdraws what an abandoned hold's store attempts may have left, once the last call, if
	 * still in flight, has landed (an EVALSHA answered NOSCRIPT is sent again as EVAL, after
	 * anything sent meanwhile): its place in the store's queue and, unless the call plainly
	 * answered busy, the lock itself, which the script may have taken before its answer was lost
	 * to a deadline or a cancel. Both are no-ops for an owner that has neither.
	 * @param last the hold's last store call, or {@code null} if none was sent
	 */
	void withdraw(@Nullable CompletableFuture<Attempt> last, boolean queued, String key, String storeOwner) {
		if (last != null && !last.isDone()) {
			last.whenComplete((attempt, ex) -> withdrawLanded(queued, key, storeOwner, attempt));
			return;
		}
		withdrawLanded(queued, key, storeOwner,
				(last != null && !last.isCompletedExceptionally()) ? last.join() : null);
	}

	/** @param answer the last call's answer; {@code null} when it failed or none was sent (it may have taken the lock) */
	private void withdrawLanded(boolean queued, String key, String storeOwner, @Nullable Attempt answer) {
		if (queued) {
			this.store.cancel(key, storeOwner)
				.subscribe(null, (ex) -> logger.debug("Could not leave the lock queue", ex));
		}
		if (answer == null || answer.acquired()) {
			this.store.release(key, storeOwner)
				.subscribe(null, (ex) -> logger.debug("Could not release an abandoned attempt's lock", ex));
		}
	}

	// Letting go: release, hand-off, loss.

	/**
	 * Releases one hold of {@code owner}. Its last hold hands the lease to the next local waiter
	 * (within the fairness budget) or releases it in the store; local state is cleared and the
	 * watchdog stopped whatever the store answers, before the caller hears of it (a thread that
	 * locks again at once must find the key free). The one release path of threads and
	 * subscribers.
	 * @return completes when released; fails with {@link LockLostException} if the hold ended
	 * before (unless the options say to log it; a lease that had run out counts as ended even when
	 * the store cannot be asked), or {@link LockUnavailableException} if the store failed
	 * @throws IllegalMonitorStateException if {@code owner} holds nothing here
	 */
	CompletableFuture<Void> release(KeyState state, Object owner) {
		Lease lease = releaseLocally(state, owner);
		if (lease == null) {
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<Boolean> released;
		try {
			released = this.store.releaseNow(state.key, lease.storeOwner);
		}
		catch (RuntimeException ex) {
			released = CompletableFuture.failedFuture(ex);
		}
		return released.handle((answer, failure) -> {
			exit(state);
			if (failure != null && (lease.isLost() || !lease.isValid())) {
				// The store could not be asked, but the lease had ended: the hold was lost either way.
				LockLostException lost = lostAtRelease(state.key, lease, false);
				if (lost != null) {
					throw new CompletionException(lost);
				}
				return null;
			}
			if (failure != null) {
				Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
						? failure.getCause() : failure;
				throw new CompletionException(new LockUnavailableException(state.key, Duration.ZERO, cause));
			}
			LockLostException lost = lostAtRelease(state.key, lease, answer);
			if (lost != null) {
				throw new CompletionException(lost);
			}
			return null;
		});
	}

	/**
	 * One hold of the owner fewer. When it was the last: hands the lease to the next local
	 * waiter (within the fairness budget), or stops its watchdog and returns it to release in
	 * the store.
	 * @return the lease to release in the store, or {@code null} when there is none (the owner
	 * still holds, handed the lease over, or held none; local state is settled then)
	 */
	@Nullable
	private Lease releaseLocally(KeyState state, Object owner) {
		switch (state.release(owner)) {
			case HELD, ENDED_HELD:
				return null;
			case ENDED_LAST:
				leave(state);
				LockLostException lost = lostAtRelease(state.key, null, false);
				if (lost != null) {
					throw lost;
				}
				return null;
			case LAST:
				break;
		}
		this.active.decrementAndGet();
		Lease lease = state.lease();
		if (lease != null && lease.isValid() && lease.fixed == null && state.hasWaiters()
				&& lease.handoffs() < this.options.handoffBudget()) {
			lease.handOff();
			exit(state);
			return null;
		}
		if (lease == null) {
			exit(state);
			return null;
		}
		state.detach(lease);
		lease.unwatch();
		return lease;
	}

	/**
	 * What the store's answer to a release means: {@code null} when the section was protected
	 * to the end; otherwise the hold was lost (counted once), and the exception to throw, or
	 * {@code null} once logged when the options say not to throw.
	 * @param lease the lease released, or {@code null} for a hold that had ended already
	 */
	@Nullable
	private LockLostException lostAtRelease(String key, @Nullable Lease lease, boolean released) {
		if (lease != null) {
			if (released && !lease.isLost()) {
				return null;
			}
			if (lease.lose()) {
				this.losses.increment();
			}
		}
		LockLostException ex = new LockLostException(key, Duration.ZERO);
		if (this.options.throwOnLost()) {
			return ex;
		}
		logger.warn(ex.getMessage());
		return null;
	}

	/**
	 * The hold on {@code lease} is lost: its lease ran out (a fixed one, or renewals failed) or
	 * the store no longer keeps it. The owner keeps an ended hold, to release as lost; the lease
	 * is dropped (the store lets its waiters in at once) and then the next local waiter becomes
	 * the owner. Nothing happens when the hold was released meanwhile.
	 * @param owner the owner whose hold it must be, or {@code null} for whoever holds {@code lease}
	 */
	void lose(KeyState state, @Nullable Object owner, @Nullable Lease lease) {
		state.lose(owner, lease, () -> {
			this.active.decrementAndGet();
			if (lease != null) {
				lost(state.key, lease);
				drop(state.key, lease);
			}
		});
	}

	/** Counts and logs a lost lease, once, and stops keeping it alive. */
	void lost(String key, Lease lease) {
		if (lease.lose()) {
			this.losses.increment();
			logger.warn("Lock lost: its lease expired or was taken over before release");
		}
		lease.unwatch();
	}

	/** Stops keeping a lease nobody here uses any more alive, and releases it in the store for nobody. */
	private void drop(String key, Lease lease) {
		lease.unwatch();
		this.store.release(key, lease.storeOwner)
			.subscribe(null, (ex) -> logger.debug("Could not release a lease no longer used", ex));
	}

	// The map of keys: an entry lives while an owner holds or waits for its key.

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
				state.detach(orphan);
				drop(state.key, orphan);
			}
		}
	}

	/** The local owner is done with the key: the turn passes to the next waiter, if any. */
	void exit(KeyState state) {
		state.exit();
		leave(state);
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

	static Duration elapsed(long startNanos) {
		return Duration.ofNanos(System.nanoTime() - startNanos);
	}

}
