package dev.baton.lock;

import java.time.Duration;

import reactor.core.Disposable;

/**
 * This JVM's hold on one lock in the store. It outlives a single holder when the lock is handed
 * to a local waiter, which is why the store owner is per hold, not per thread.
 */
final class Lease {

	final String storeOwner;

	/** The fixed lease, or {@code null} when the watchdog renews {@link #renewalLease}. */
	final Duration fixed;

	final Duration renewalLease;

	/**
	 * The last fencing token handed out under this hold; raised on every local hand-off, within
	 * the tokens the store reserved for them.
	 */
	volatile long token;

	/** Local hand-offs since the hold was taken from the store. */
	int handoffs;

	/** Until when (System.nanoTime) the store is known to keep the hold. */
	volatile long validUntilNanos;

	/**
	 * When (System.nanoTime) the store last confirmed the hold: the latest grant or renewal was
	 * asked for then.
	 */
	volatile long confirmedNanos;

	volatile boolean lost;

	volatile Disposable renewal;

	Lease(String storeOwner, Duration fixed, Duration renewalLease, long token, long startNanos) {
		this.storeOwner = storeOwner;
		this.fixed = fixed;
		this.renewalLease = renewalLease;
		this.token = token;
		this.confirmedNanos = startNanos;
		this.validUntilNanos = startNanos + current().toNanos();
	}

	private Duration current() {
		return (this.fixed != null) ? this.fixed : this.renewalLease;
	}

	boolean isValid() {
		return !this.lost && System.nanoTime() - this.validUntilNanos < 0;
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

	void stopRenewal() {
		Disposable renewal = this.renewal;
		if (renewal != null) {
			renewal.dispose();
		}
	}

}
