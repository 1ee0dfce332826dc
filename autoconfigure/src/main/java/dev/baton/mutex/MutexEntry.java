package dev.baton.mutex;

import java.util.ArrayDeque;

/**
 * The state of one key's mutex. Lives in the pool's map only while someone holds or waits for
 * the key, and is read and written only inside that map's {@code compute} for the key, whose
 * bin lock makes every transition (including the entry's removal) atomic.
 */
final class MutexEntry {

	/** The holder, or {@code null} between a non-fair release and the next taker. */
	Object owner;

	/** Re-entrant acquisitions by the holder. */
	int holds;

	/** Waiters in arrival order; created on the first contention only. */
	private ArrayDeque<Waiter> waiters;

	MutexEntry(Object owner) {
		this.owner = owner;
		this.holds = 1;
	}

	void enqueue(Waiter waiter) {
		if (this.waiters == null) {
			this.waiters = new ArrayDeque<>(4);
		}
		this.waiters.addLast(waiter);
		waiter.queued = true;
	}

	Waiter first() {
		return (this.waiters != null) ? this.waiters.peekFirst() : null;
	}

	Waiter pollFirst() {
		return (this.waiters != null) ? this.waiters.pollFirst() : null;
	}

	void remove(Waiter waiter) {
		if (this.waiters != null) {
			this.waiters.remove(waiter);
		}
	}

	void grant(Waiter waiter) {
		this.owner = waiter.owner;
		this.holds = 1;
		waiter.grantInMap();
	}

	boolean idle() {
		return this.owner == null && first() == null;
	}

}
