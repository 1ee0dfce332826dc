package dev.baton.lock;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import reactor.core.Disposable;

/**
 * This JVM's hold on one lock in the store. It outlives a single holder when the lock is handed
 * to a local waiter, which is why the store owner is per hold, not per thread.
 * <p>
 * Only this class writes its fields: the local owner hands it on ({@link #handOff()}), the
 * renewal or a confirmation extends it ({@link #renewed}), whoever finds it gone marks it lost
 * ({@link #lose()}, once).
 */
final class Lease {

	private static final AtomicLongFieldUpdater<Lease> TOKEN = AtomicLongFieldUpdater.newUpdater(Lease.class,
			"token");

	private static final AtomicIntegerFieldUpdater<Lease> LOST = AtomicIntegerFieldUpdater.newUpdater(Lease.class,
			"lost");

	final String storeOwner;

	/** The fixed lease, or {@code null} when the watchdog renews {@link #renewalLease}. */
	final Duration fixed;

	final Duration renewalLease;

	/**
	 * The current local owner's fencing token; raised on every local hand-off, within the tokens
	 * the store reserved for them. {@code 0} while not issued: the store granted the hold without
	 * one, and it is issued when its owner first asks ({@link #issued}); the hand-offs before
	 * that have none either.
	 */
	@GuardedBy("TOKEN (atomic increment, compare-and-set from 0), by the local owner")
	private volatile long token;

	/** Local hand-offs since the hold was taken from the store. */
	@GuardedBy("local owner")
	private int handoffs;

	/** Until when (System.nanoTime) the store is known to keep the hold. */
	@GuardedBy("volatile; written by the renewal or the local owner's confirmation, never at once")
	private volatile long validUntilNanos;

	/**
	 * When (System.nanoTime) the store last confirmed the hold: the latest grant or renewal was
	 * asked for then.
	 */
	@GuardedBy("volatile; written with validUntilNanos")
	private volatile long confirmedNanos;

	/** 1 once lost; set by compare-and-set, so that a loss is counted once. */
	@GuardedBy("LOST (compare-and-set)")
	private volatile int lost;

	/** The watchdog's renewal, or the timer that ends a fixed lease. */
	@GuardedBy("volatile; set once, by the registry right after creating the lease")
	private volatile Disposable renewal;

	Lease(String storeOwner, Duration fixed, Duration renewalLease, long token, long startNanos) {
		this(storeOwner, fixed, renewalLease, token, 0, startNanos);
	}

	/** A lease that goes on from {@code handoffs} hand-offs already made (a fixed lease replacing a handed-off one). */
	Lease(String storeOwner, Duration fixed, Duration renewalLease, long token, int handoffs, long startNanos) {
		this.storeOwner = storeOwner;
		this.fixed = fixed;
		this.renewalLease = renewalLease;
		this.token = token;
		this.handoffs = handoffs;
		this.confirmedNanos = startNanos;
		this.validUntilNanos = startNanos + current().toNanos();
	}

	private Duration current() {
		return (this.fixed != null) ? this.fixed : this.renewalLease;
	}

	long token() {
		return this.token;
	}

	int handoffs() {
		return this.handoffs;
	}

	long validUntilNanos() {
		return this.validUntilNanos;
	}

	boolean isLost() {
		return this.lost != 0;
	}

	boolean isValid() {
		return this.lost == 0 && System.nanoTime() - this.validUntilNanos < 0;
	}

	/**
	 * Passes the hold to the next local owner: one hand-off more, and the next of the tokens the
	 * store reserved. Called by the local owner only.
	 * @return the new owner's fencing token, or {@code 0} when none was issued under this hold yet
	 */
	long handOff() {
		this.handoffs++;
		return (this.token != 0) ? TOKEN.incrementAndGet(this) : 0;
	}

	/**
	 * The store issued the current local owner's token, reserving the rest of the hand-off
	 * budget after it. Called by the local owner only.
	 */
	void issued(long token) {
		TOKEN.compareAndSet(this, 0, token);
	}

	/**
	 * Whether the store's last word on the hold is older than {@code maxAgeNanos}: a local
	 * hand-off then asks it again, since the store may have lost the key meanwhile (a restart
	 * without persistence, a failover, a flush) while the local clock still says valid.
	 */
	boolean unconfirmedFor(long maxAgeNanos) {
		return System.nanoTime() - this.confirmedNanos > maxAgeNanos;
	}

	void renewed(long startNanos) {
		this.confirmedNanos = startNanos;
		this.validUntilNanos = startNanos + current().toNanos();
	}

	/** Marks the hold lost: {@code true} the first time only, so that it is counted once. */
	boolean lose() {
		return LOST.compareAndSet(this, 0, 1);
	}

	/** Ties the renewal (or the fixed lease's end timer) to this lease, to stop with it. */
	void watch(Disposable renewal) {
		this.renewal = renewal;
	}

	/** Stops the watchdog's renewal, or the fixed lease's end timer. */
	void unwatch() {
		Disposable renewal = this.renewal;
		if (renewal != null) {
			renewal.dispose();
		}
	}

}
