package dev.baton.mutex;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One hold of a key's mutex. {@link #close()} releases it, once: further calls do nothing. A
 * permit may be closed on any thread (a reactive pipeline may end elsewhere than it began).
 */
public final class MutexPermit implements AutoCloseable {

	/** Set in {@link #state} once this permit is released. */
	private static final int RELEASED = 1 << 31;

	/** The part of {@link #state} that counts the holds of this permit's hold generation. */
	private static final int HOLDS = ~RELEASED;

	private static final VarHandle STATE;

	private static final VarHandle ENTRY;

	static {
		try {
			MethodHandles.Lookup lookup = MethodHandles.lookup();
			STATE = lookup.findVarHandle(MutexPermit.class, "state", int.class);
			ENTRY = lookup.findVarHandle(MutexPermit.class, "entry", MutexEntry.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final KeyedMutexPool pool;

	private final String key;

	/** The holder: the thread, or this permit for reactive callers (they have no thread of their own). */
	final Object owner;

	/**
	 * The permit whose hold this one re-entered, or this permit itself. The first permit of an
	 * owner's holds counts them all (see {@link #state}), so a re-entry joins that count.
	 */
	MutexPermit outer = this;

	/** When the hold began ({@link System#nanoTime()}), or {@code 0} when the pool's recorder does not time it. */
	long grantedAt;

	/**
	 * The {@link #RELEASED} flag, and for an outer permit the holds of its owner that are not
	 * released yet (its own and its re-entries'). The count starts at one and, once it fell to
	 * zero, never rises again, so a count above zero proves the permit still heads the mutex.
	 * Accessed through {@link #STATE} only, with volatile semantics; a plain field so that its
	 * initial value costs no fence on the fast path (the permit is published by a
	 * compare-and-set).
	 */
	@SuppressWarnings("FieldMayBeFinal")
	private int state = 1;

	/**
	 * The map entry that holds this permit, or {@code null} while it is held in a slot (see
	 * {@link MutexSlots}). Set when granted in the map, before the permit is handed out, or when
	 * the slot's hold is moved to the map, under the key's bin lock (release and acquire ordered).
	 */
	@SuppressWarnings("unused")
	private MutexEntry entry;

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
		return (state() & RELEASED) != 0;
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
	 * succeeds at most once, so that needs no flag of its own; one in the map by the
	 * compare-and-set of {@link #state} (see {@link #releaseHold()}).
	 */
	boolean release() {
		if (isReleased()) {
			return false;
		}
		MutexTable table = this.pool.table();
		if (entry() == null && table.giveBack(this)) {
			// Only for isReleased(): the slot's compare-and-set already made the release exactly-once.
			STATE.setRelease(this, RELEASED);
			return true;
		}
		return table.releaseInMap(this);
	}

	MutexEntry entry() {
		return (MutexEntry) ENTRY.getAcquire(this);
	}

	void enterMap(MutexEntry entry) {
		ENTRY.setRelease(this, entry);
	}

	/**
	 * Marks this permit released and gives back its hold.
	 * @return how many holds of the owner remain (0: the mutex is free to hand on), or -1 if
	 * this permit was released already
	 */
	int releaseHold() {
		int current;
		do {
			current = state();
			if ((current & RELEASED) != 0) {
				return -1;
			}
		}
		while (!STATE.compareAndSet(this, current, (this.outer == this) ? (current | RELEASED) - 1 : RELEASED));
		return (this.outer == this) ? current - 1 : this.outer.dropHold();
	}

	/** A re-entry of this (outer) permit's hold; fails once its holds fell to zero. */
	boolean reenter() {
		for (int current = state(); (current & HOLDS) > 0; current = state()) {
			if (STATE.compareAndSet(this, current, current + 1)) {
				return true;
			}
		}
		return false;
	}

	private int state() {
		return (int) STATE.getVolatile(this);
	}

	private int dropHold() {
		return ((int) STATE.getAndAdd(this, -1) - 1) & HOLDS;
	}

}
