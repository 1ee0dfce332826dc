package dev.baton.mutex;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One hold of a key's mutex. {@link #close()} releases it, once: further calls do nothing. A
 * permit may be closed on any thread (a reactive pipeline may end elsewhere than it began).
 */
public final class MutexPermit implements AutoCloseable {

	private static final AtomicIntegerFieldUpdater<MutexPermit> RELEASED = AtomicIntegerFieldUpdater
		.newUpdater(MutexPermit.class, "released");

	private final KeyedMutexPool pool;

	private final String key;

	/** The holder: the thread, or this permit for reactive callers (they have no thread of their own). */
	final Object owner;

	/**
	 * Whether the hold lives in the pool's map, not in a slot (see {@link MutexSlots}): set under
	 * the key's bin lock when the slot's hold is moved there, or before the permit is handed out
	 * when it was granted there. Read without that lock only as a hint.
	 */
	boolean inMap;

	/** When the hold began, on the pool's clock. */
	long grantedAt;

	private volatile int released;

	MutexPermit(KeyedMutexPool pool, String key, Object owner) {
		this.pool = pool;
		this.key = key;
		this.owner = (owner != null) ? owner : this;
	}

	/** The key this permit holds. */
	public String getKey() {
		return this.key;
	}

	/** Whether {@link #close()} has been called. */
	public boolean isReleased() {
		return this.released != 0;
	}

	/** Releases the hold; the next waiter for the key, if any, gets the mutex. Idempotent. */
	@Override
	public void close() {
		if (release()) {
			this.pool.observeHeld(this.grantedAt);
		}
	}

	/**
	 * Releases the hold unless it was released already; returns whether this call released it.
	 * A hold in a slot is released by the compare-and-set that takes this permit out of it, which
	 * succeeds at most once, so that needs no flag of its own; one moved to the map is released
	 * under the key's bin lock, which checks and sets the flag (see {@link #markReleased()}).
	 */
	boolean release() {
		if (this.released != 0) {
			return false;
		}
		MutexTable table = this.pool.table();
		if (!this.inMap && table.giveBack(this)) {
			// Only for isReleased(): the slot's compare-and-set already made the release exactly-once.
			RELEASED.lazySet(this, 1);
			return true;
		}
		return table.releaseInMap(this);
	}

	/** Under the key's bin lock: whether the hold is in the map and still to be released. */
	boolean markReleased() {
		if (!this.inMap || this.released != 0) {
			// Not in the map: the slot's hold was released already, by another call of close().
			return false;
		}
		this.released = 1;
		return true;
	}

}
