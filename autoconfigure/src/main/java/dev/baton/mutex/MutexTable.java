package dev.baton.mutex;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys' mutexes and every transition between their states. Each transition runs inside
 * {@link ConcurrentHashMap#compute} for its key, so it is atomic with the creation and
 * removal of the key's entry: there is no window in which two callers could see two different
 * entries for one key, and no reference count kept outside that lock. Waking a waiter happens
 * after the transition, outside the lock.
 */
final class MutexTable {

	private static final Logger logger = LoggerFactory.getLogger(MutexTable.class);

	/** Wake-ups raised while this thread is already waking someone; drained by the outermost call. */
	private static final ThreadLocal<ArrayDeque<Waiter>> PENDING_WAKES = new ThreadLocal<>();

	private final ConcurrentHashMap<String, MutexEntry> entries = new ConcurrentHashMap<>();

	private final boolean fair;

	MutexTable(boolean fair) {
		this.fair = fair;
	}

	boolean isFair() {
		return this.fair;
	}

	int size() {
		return this.entries.size();
	}

	/** Grants the mutex to the waiter at once if it can; otherwise queues it if asked to. */
	void arrive(String key, Waiter waiter, boolean queue) {
		// Uncontended fast path: inserting into an empty bin is one CAS, no bin lock.
		if (!waiter.abandoned() && this.entries.putIfAbsent(key, new MutexEntry(waiter.owner)) == null) {
			waiter.granted = true;
			return;
		}
		this.entries.compute(key, (k, entry) -> {
			if (waiter.abandoned()) {
				return entry;
			}
			if (entry == null) {
				waiter.granted = true;
				return new MutexEntry(waiter.owner);
			}
			if (entry.owner == waiter.owner) {
				entry.holds++;
				waiter.granted = true;
			}
			else if (entry.owner == null) {
				// Only after a non-fair release: barging in is what non-fair allows.
				entry.grant(waiter);
			}
			else if (queue) {
				entry.enqueue(waiter);
			}
			return entry;
		});
	}

	/** Gives back one hold; the last one hands the mutex on or removes the entry. */
	void release(String key, Object owner) {
		Waiter[] next = new Waiter[1];
		this.entries.compute(key, (k, entry) -> {
			if (entry == null || entry.owner != owner) {
				throw new IllegalStateException("The keyed mutex on key '" + key + "' is not held by this permit");
			}
			if (--entry.holds > 0) {
				return entry;
			}
			next[0] = this.fair ? entry.pollFirst() : entry.first();
			if (next[0] == null) {
				return null;
			}
			if (this.fair) {
				entry.grant(next[0]);
			}
			else {
				entry.owner = null;
			}
			return entry;
		});
		if (next[0] != null) {
			wake(next[0]);
		}
	}

	/**
	 * The waiting side gives up. Returns whether the waiter was granted the mutex before it
	 * could leave the queue; the caller then holds it and must release it.
	 */
	boolean abandon(String key, Waiter waiter) {
		this.entries.compute(key, (k, entry) -> {
			if (entry == null || waiter.granted) {
				return entry;
			}
			entry.remove(waiter);
			if (entry.owner == null) {
				// A non-fair release may have woken this waiter: pass the wake-up on.
				waiter.passOn = entry.first();
			}
			return entry.idle() ? null : entry;
		});
		if (waiter.passOn != null) {
			wake(waiter.passOn);
		}
		return waiter.granted;
	}

	/** A woken waiter of a non-fair mutex takes it if it is still free, or stays first in line. */
	void retry(String key, Waiter waiter) {
		this.entries.compute(key, (k, entry) -> {
			if (entry != null && entry.owner == null && !waiter.granted && !waiter.abandoned()) {
				entry.remove(waiter);
				entry.grant(waiter);
			}
			return entry;
		});
	}

	/**
	 * Wakes a waiter; a reactive waiter's subscriber may run, release and wake the next one on
	 * this same thread, so nested wake-ups are queued and run in a loop, not recursively.
	 */
	private static void wake(Waiter waiter) {
		ArrayDeque<Waiter> pending = PENDING_WAKES.get();
		if (pending != null) {
			pending.addLast(waiter);
			return;
		}
		pending = new ArrayDeque<>();
		PENDING_WAKES.set(pending);
		try {
			for (Waiter next = waiter; next != null; next = pending.pollFirst()) {
				wakeOne(next);
			}
		}
		finally {
			PENDING_WAKES.remove();
		}
	}

	private static void wakeOne(Waiter waiter) {
		try {
			waiter.wake();
		}
		catch (RuntimeException ex) {
			// A subscriber's failure must not strand the waiters queued behind it.
			logger.warn("A keyed mutex waiter failed when woken", ex);
		}
	}

}
