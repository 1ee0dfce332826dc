package dev.baton.mutex;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys' mutexes and every transition between their states. A key held by one owner with
 * nobody waiting lives in a {@link MutexSlots} slot, taken and released with one
 * compare-and-set each. As soon as a second party arrives (another owner of the key, or another
 * key of the same slot), the holder is moved into the map. There, an entry is created, queued
 * for, woken from and removed only inside {@link ConcurrentHashMap#compute} for its key, so
 * there is no window in which two callers could see two different entries for one key. A fair
 * pool also takes, re-enters and releases inside {@code compute}, handing the mutex straight to
 * the first waiter. A non-fair pool takes a free entry, re-enters and releases with
 * compare-and-sets of the entry's holder and the holding permit's count (see
 * {@link MutexEntry}), and takes the lock after a release only to wake the first waiter when
 * nobody woken is on the way, or to remove the entry when nobody waits. The one count kept
 * across keys, a slot's {@code Shared} count of map entries, changes by compare-and-set inside
 * the {@code compute} that creates or removes an entry, so it never drifts; read from outside
 * (for {@link #size()}) it may be off by one while a key moves. Waking a waiter happens after
 * the transition, outside the lock.
 */
final class MutexTable {

	private static final Logger logger = LoggerFactory.getLogger(MutexTable.class);

	/** Wake-ups raised while this thread is already waking someone; drained by the outermost call. */
	private static final ThreadLocal<ArrayDeque<Waiter>> PENDING_WAKES = new ThreadLocal<>();

	private final ConcurrentHashMap<String, MutexEntry> entries = new ConcurrentHashMap<>();

	private final MutexSlots slots;

	private final boolean fair;

	MutexTable(boolean fair, int slots) {
		this.fair = fair;
		this.slots = new MutexSlots(slots);
	}

	boolean isFair() {
		return this.fair;
	}

	int size() {
		return this.entries.size() + this.slots.directHolds();
	}

	/**
	 * Takes the permit's key at once if nobody holds or waits for any key of its slot, or, in a
	 * non-fair pool, if the key's entry is free or held by the permit's owner; never waits.
	 */
	boolean tryTake(MutexPermit permit) {
		Object blocker = this.slots.take(this.slots.index(permit.getKey()), permit);
		return blocker == null || (!this.fair && blocker instanceof MutexSlots.Shared && bargeIn(permit));
	}

	/** Grants the mutex to the waiter at once if it can; otherwise queues it if asked to. */
	void arrive(Waiter waiter, boolean queue) {
		String key = waiter.permit.getKey();
		int slot = this.slots.index(key);
		while (!waiter.abandoned()) {
			Object blocker = this.slots.take(slot, waiter.permit);
			if (blocker == null) {
				waiter.granted = true;
				return;
			}
			if (blocker instanceof MutexPermit holder) {
				if (!queue && holder.owner != waiter.owner && holder.getKey().equals(key)) {
					return;
				}
				// Another owner of the key, another key of the slot, or re-entry: all go through the map.
				share(slot, holder);
			}
			else if (!this.fair && bargeIn(waiter.permit)) {
				waiter.granted = true;
				return;
			}
			else if (arriveInMap(slot, key, waiter, queue)) {
				return;
			}
		}
	}

	/**
	 * Non-fair, without the bin lock: takes the key's entry if it is free or held by the
	 * waiter's owner. A retired entry fails both, and the caller goes through the lock.
	 */
	private boolean bargeIn(MutexPermit permit) {
		MutexEntry entry = this.entries.get(permit.getKey());
		return entry != null && (entry.take(permit) || entry.reenter(permit));
	}

	/**
	 * Moves a direct holder into the map. The slot's compare-and-set runs under the holder key's
	 * bin lock, so the holder's release, which sees the slot changed and goes to the map, waits
	 * for that lock and finds its entry. While the slot held the permit the map had no entry for
	 * a key of the slot, so there is none for the key yet.
	 */
	private void share(int slot, MutexPermit holder) {
		this.entries.compute(holder.getKey(), (k, entry) -> {
			if (!this.slots.share(slot, holder)) {
				return entry;
			}
			MutexEntry shared = new MutexEntry(holder);
			holder.enterMap(shared);
			return shared;
		});
	}

	/** Returns {@code false} when a key of the slot is held directly and must be moved first. */
	private boolean arriveInMap(int slot, String key, Waiter waiter, boolean queue) {
		MutexEntry result = this.entries.compute(key, (k, entry) -> {
			if (waiter.abandoned()) {
				return entry;
			}
			if (entry == null) {
				if (!this.slots.join(slot)) {
					return null;
				}
				MutexEntry created = new MutexEntry(waiter.permit);
				waiter.grantInMap(created);
				return created;
			}
			// A non-fair caller gets here after finding the mutex held, and queues even if a release
			// frees it meanwhile: that release settles under this lock after us and wakes the first
			// waiter (see settle). Not trying again is deliberate: a caller that found the mutex held
			// parks, so that under contention a few threads run and the rest wait, rather than all
			// of them taking turns on the CPUs. A try without waiting still takes a free mutex.
			if (entry.reenter(waiter) || (!queue && entry.take(waiter))) {
				return entry;
			}
			if (queue) {
				entry.enqueue(waiter);
			}
			return entry;
		});
		return result != null || waiter.abandoned();
	}

	/** Takes a direct hold out of its slot; {@code false} if it is not there (see {@link MutexPermit#release()}). */
	boolean giveBack(MutexPermit permit) {
		return this.slots.giveBack(this.slots.index(permit.getKey()), permit);
	}

	/**
	 * Gives back one hold kept in the map, unless it was released already; the last hold hands
	 * the mutex on (fair), or frees it and wakes a waiter or removes the entry (non-fair).
	 * Returns whether this call released it.
	 */
	boolean releaseInMap(MutexPermit permit) {
		MutexEntry entry = permit.entry();
		if (entry == null) {
			// Not in a slot: released already, or being moved into the map under the key's bin lock.
			this.entries.compute(permit.getKey(), (k, current) -> current);
			entry = permit.entry();
			if (entry == null) {
				return false;
			}
		}
		if (this.fair) {
			return releaseFair(permit, entry);
		}
		int left = permit.releaseHold();
		if (left < 0) {
			return false;
		}
		if (left == 0) {
			entry.free();
			if (entry.needsSettling()) {
				settle(permit.getKey(), entry);
			}
		}
		return true;
	}

	private boolean releaseFair(MutexPermit permit, MutexEntry released) {
		String key = permit.getKey();
		int slot = this.slots.index(key);
		Waiter[] next = new Waiter[1];
		boolean[] done = new boolean[1];
		this.entries.compute(key, (k, entry) -> {
			int left = permit.releaseHold();
			done[0] = left >= 0;
			if (left != 0) {
				return entry;
			}
			if (entry != released) {
				// An assertion: an entry is never removed while held, so this cannot happen.
				throw new IllegalStateException("The keyed mutex on key '" + key + "' is not held by this permit");
			}
			next[0] = entry.pollFirst();
			if (next[0] == null) {
				entry.free();
				return entry.retire() ? removed(slot) : entry;
			}
			entry.handTo(next[0]);
			return entry;
		});
		if (next[0] != null) {
			wake(next[0]);
		}
		return done[0];
	}

	/**
	 * Non-fair, after a release freed the mutex: wakes the first waiter if nobody woken is on
	 * the way, or removes the entry if nobody waits; nothing if the mutex was taken meanwhile
	 * (that holder's release settles it).
	 */
	private void settle(String key, MutexEntry released) {
		int slot = this.slots.index(key);
		Waiter[] next = new Waiter[1];
		this.entries.compute(key, (k, entry) -> {
			if (entry != released || !entry.isFree()) {
				return entry;
			}
			if (entry.first() == null) {
				return entry.retire() ? removed(slot) : entry;
			}
			next[0] = entry.wakeFirst();
			return entry;
		});
		if (next[0] != null && !next[0].awake()) {
			wake(next[0]);
		}
	}

	/**
	 * The waiting side gives up. Returns whether the waiter was granted the mutex before it
	 * could leave the queue; the caller then holds it and must release it.
	 */
	boolean abandon(String key, Waiter waiter) {
		int slot = this.slots.index(key);
		this.entries.compute(key, (k, entry) -> {
			if (entry == null || waiter.granted) {
				return entry;
			}
			entry.remove(waiter);
			entry.notWoken(waiter);
			if (!entry.isFree()) {
				return entry;
			}
			// Non-fair and free: this waiter may have been the one woken, so pass the wake-up on.
			if (entry.first() == null) {
				return entry.retire() ? removed(slot) : entry;
			}
			waiter.passOn = entry.wakeFirst();
			return entry;
		});
		if (waiter.passOn != null) {
			wake(waiter.passOn);
		}
		return waiter.granted;
	}

	/** A woken waiter of a non-fair mutex takes it if it is still free, or stays in line. */
	void retry(String key, Waiter waiter) {
		retry(key, waiter, false);
	}

	/**
	 * A woken waiter of a non-fair mutex takes it if it is still free, or stays in line; if
	 * {@code stayWoken}, it stays the woken one too, so releases do not wake it again while it
	 * spins (it must retry with {@code stayWoken} false before it parks).
	 */
	void retry(String key, Waiter waiter, boolean stayWoken) {
		this.entries.compute(key, (k, entry) -> {
			if (entry != null && !waiter.granted && !waiter.abandoned()) {
				// Cleared before the take, while a release frees the mutex before it looks here: no wake-up is lost.
				if (!stayWoken) {
					entry.notWoken(waiter);
				}
				if (entry.take(waiter)) {
					entry.remove(waiter);
					entry.notWoken(waiter);
				}
			}
			return entry;
		});
	}

	/** Inside the compute that removes a key's entry: the slot counts one entry fewer. */
	private MutexEntry removed(int slot) {
		this.slots.leave(slot);
		return null;
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
