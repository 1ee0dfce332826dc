package dev.baton.mutex;

import java.util.concurrent.atomic.AtomicReferenceArray;

import org.springframework.util.Assert;

/**
 * The lock-free fast path of {@link MutexTable}: a fixed array of slots, each key hashed to one.
 * A slot holds one of three immutable values, and every change of a slot is one
 * compare-and-set of it:
 * <ul>
 * <li>{@code null}: no key of the slot is held or waited for;</li>
 * <li>{@link Direct}: that one key is held by that owner, nobody waits for it, and the map has
 * no entry for any key of the slot;</li>
 * <li>{@link Shared}: the map has that many entries for keys of the slot, and every key of the
 * slot goes through the map.</li>
 * </ul>
 * Values are never reused (every change installs a new object), so a successful
 * compare-and-set proves the slot did not change since it was read: there is no ABA. The
 * {@code Shared} counts are changed only inside the map's {@code compute} for the key whose
 * entry is created or removed, which keeps "the map has entries for slot s" and "slot s is
 * {@code Shared}" true together.
 */
final class MutexSlots {

	private final AtomicReferenceArray<Object> slots;

	private final int mask;

	MutexSlots(int count) {
		Assert.isTrue(count > 0 && Integer.bitCount(count) == 1, "slot count must be a power of two");
		this.slots = new AtomicReferenceArray<>(count);
		this.mask = count - 1;
	}

	int index(String key) {
		int hash = key.hashCode();
		return (hash ^ (hash >>> 16)) & this.mask;
	}

	/**
	 * Takes the key, or takes it again, without the map.
	 * @return {@code null} when held now; otherwise the slot's value that stands in the way (a
	 * {@link Direct} of another key or owner, or a {@link Shared})
	 */
	Object take(int index, String key, Object owner) {
		for (;;) {
			Object slot = this.slots.get(index);
			if (slot == null) {
				if (this.slots.compareAndSet(index, null, new Direct(key, owner, 1))) {
					return null;
				}
			}
			else if (slot instanceof Direct direct && direct.isHeldBy(key, owner)) {
				if (this.slots.compareAndSet(index, direct, new Direct(key, owner, direct.holds() + 1))) {
					return null;
				}
			}
			else {
				return slot;
			}
		}
	}

	/**
	 * Gives back one hold taken by {@link #take}. Returns {@code false} when the hold is not
	 * here: it was moved into the map (by {@link #share}, under the key's bin lock, so a
	 * release through the map that waits for that lock finds it).
	 */
	boolean giveBack(int index, String key, Object owner) {
		for (;;) {
			Object slot = this.slots.get(index);
			if (!(slot instanceof Direct direct) || !direct.isHeldBy(key, owner)) {
				return false;
			}
			Object next = (direct.holds() == 1) ? null : new Direct(key, owner, direct.holds() - 1);
			if (this.slots.compareAndSet(index, direct, next)) {
				return true;
			}
		}
	}

	/**
	 * Turns a direct hold into the first of the slot's map entries; to be called inside the map's
	 * {@code compute} for {@code direct.key()}, which then installs the entry. Fails, and the
	 * caller installs nothing, when the holder released or re-entered meanwhile.
	 */
	boolean share(int index, Direct direct) {
		return this.slots.compareAndSet(index, direct, new Shared(1));
	}

	/**
	 * Counts a map entry about to be created; to be called inside the map's {@code compute} for
	 * its key. Fails when a key of the slot is held directly: that holder must be moved into the
	 * map first.
	 */
	boolean join(int index) {
		for (;;) {
			Object slot = this.slots.get(index);
			if (slot instanceof Direct) {
				return false;
			}
			Shared next = new Shared((slot != null) ? ((Shared) slot).entries() + 1 : 1);
			if (this.slots.compareAndSet(index, slot, next)) {
				return true;
			}
		}
	}

	/**
	 * Uncounts a map entry being removed; to be called inside the map's {@code compute} for its
	 * key. The slot is {@code Shared} while that entry exists, and only this key's compute
	 * (holding its bin lock) can remove it, so the count is at least one.
	 */
	void leave(int index) {
		for (;;) {
			Shared slot = (Shared) this.slots.get(index);
			Shared next = (slot.entries() > 1) ? new Shared(slot.entries() - 1) : null;
			if (this.slots.compareAndSet(index, slot, next)) {
				return;
			}
		}
	}

	/** How many keys are held directly now. */
	int directHolds() {
		int held = 0;
		for (int i = 0; i < this.slots.length(); i++) {
			if (this.slots.get(i) instanceof Direct) {
				held++;
			}
		}
		return held;
	}

	/** One key held by one owner {@code holds} times, with nobody waiting. */
	record Direct(String key, Object owner, int holds) {

		boolean isHeldBy(String key, Object owner) {
			return this.owner == owner && this.key.equals(key);
		}

	}

	/** The map has {@code entries} entries for keys of the slot. */
	record Shared(int entries) {

	}

}
