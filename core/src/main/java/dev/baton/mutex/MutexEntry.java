package dev.baton.mutex;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;

/**
 * The state of one key's mutex. Lives in the pool's map only while someone holds or waits for
 * the key. The mutex itself is {@link #holder}, the permit heading the current hold: taking a
 * free mutex is one compare-and-set of it from {@code null}, and a re-entry counts itself in
 * that permit (see {@link MutexPermit#reenter()}). The waiter queue is read and written only
 * inside the map's {@code compute} for the key, whose bin lock makes queueing, waking and the
 * entry's removal atomic. Removal first retires the entry, setting its holder from
 * {@code null} to {@link #RETIRED}, which nobody can take: a caller that found the entry
 * without the lock fails to take it and goes through the lock, where the map has a new entry
 * or none.
 */
final class MutexEntry {

	/** The holder of a removed entry. */
	private static final MutexPermit RETIRED = new MutexPermit(null, "", null);

	private static final VarHandle HOLDER;

	static {
		try {
			HOLDER = MethodHandles.lookup().findVarHandle(MutexEntry.class, "holder", MutexPermit.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** The first permit of the current hold; {@code null} while free (non-fair pools only). */
	private volatile MutexPermit holder;

	/** How many waiters are queued: written under the bin lock, read by non-fair releases without it. */
	private volatile int waiting;

	/**
	 * Non-fair: the waiter woken for a free mutex and yet to retry; while it is set, a release
	 * need not take the bin lock to wake anyone. Written under the bin lock.
	 */
	private volatile Waiter woken;

	/** Waiters in arrival order; created on the first contention only. */
	private ArrayDeque<Waiter> waiters;

	MutexEntry(MutexPermit holder) {
		this.holder = holder;
	}

	/** Takes the mutex if it is free (never after the entry was retired). */
	boolean take(MutexPermit permit) {
		if (this.holder != null || !HOLDER.compareAndSet(this, null, permit)) {
			return false;
		}
		permit.enterMap(this);
		return true;
	}

	boolean take(Waiter waiter) {
		return granted(waiter, take(waiter.permit));
	}

	/** Takes the mutex once more if the permit's owner holds it. */
	boolean reenter(MutexPermit permit) {
		MutexPermit current = this.holder;
		if (current == null || current.owner != permit.owner || !current.reenter()) {
			return false;
		}
		permit.outer = current;
		permit.enterMap(this);
		return true;
	}

	boolean reenter(Waiter waiter) {
		return granted(waiter, reenter(waiter.permit));
	}

	private static boolean granted(Waiter waiter, boolean taken) {
		if (taken) {
			waiter.granted = true;
		}
		return taken;
	}

	/** The last hold was given back: the mutex is free (non-fair). */
	void free() {
		this.holder = null;
	}

	/** Under the bin lock: hands the mutex straight to the waiter (fair). */
	void handTo(Waiter waiter) {
		this.holder = waiter.permit;
		waiter.grantInMap(this);
	}

	/** Under the bin lock: marks a free entry nobody waits for as removed; the caller then removes it. */
	boolean retire() {
		return first() == null && HOLDER.compareAndSet(this, null, RETIRED);
	}

	boolean isFree() {
		return this.holder == null;
	}

	/**
	 * Whether a non-fair release that freed the mutex must take the bin lock: to wake a waiter
	 * (someone is queued and nobody woken is on the way) or to remove the entry (nobody is).
	 * The release frees the mutex before it looks here, and a waiter is counted, or a woken one
	 * cleared, before it tries to take the mutex, so one of the two sees the other. That rests on
	 * the three fields being volatile and on this order: the release writes {@link #holder},
	 * then reads {@link #waiting} and {@link #woken}. An arriving waiter writes {@code waiting}
	 * under the bin lock and does not look at {@code holder} again: a release that read the
	 * count before it settles under that lock after it. A woken waiter clears {@code woken}
	 * under the bin lock, then reads {@code holder}.
	 */
	boolean needsSettling() {
		return this.waiting == 0 || this.woken == null;
	}

	/**
	 * Under the bin lock, after a non-fair release or a waiter's leaving: the first waiter if it
	 * is to be woken now (the mutex is free and nobody woken is on the way). Only a blocking
	 * waiter is recorded as woken, so that releases meanwhile leave it to retry on its own
	 * thread. A reactive one retries inside its wake-up, which may be queued behind a subscriber
	 * still running on the waking thread; recorded, it would keep every later release from
	 * waking anyone until that subscriber returned. Woken twice, it takes the mutex once.
	 */
	Waiter wakeFirst() {
		Waiter first = first();
		if (this.holder != null || first == null || this.woken != null) {
			return null;
		}
		if (first instanceof BlockingWaiter) {
			this.woken = first;
		}
		return first;
	}

	boolean isWoken(Waiter waiter) {
		return this.woken == waiter;
	}

	/** Under the bin lock: the waiter retries or leaves, so a later release must wake someone. */
	void notWoken(Waiter waiter) {
		if (this.woken == waiter) {
			this.woken = null;
		}
	}

	void enqueue(Waiter waiter) {
		if (this.waiters == null) {
			this.waiters = new ArrayDeque<>(4);
		}
		this.waiters.addLast(waiter);
		this.waiting++;
		waiter.queued = true;
		waiter.queue = this;
	}

	Waiter first() {
		return (this.waiters != null) ? this.waiters.peekFirst() : null;
	}

	Waiter pollFirst() {
		Waiter first = (this.waiters != null) ? this.waiters.pollFirst() : null;
		if (first != null) {
			this.waiting--;
		}
		return first;
	}

	void remove(Waiter waiter) {
		if (this.waiters != null && this.waiters.remove(waiter)) {
			this.waiting--;
		}
	}

}
