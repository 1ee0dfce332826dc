package dev.baton.mutex;

import java.util.concurrent.atomic.AtomicReferenceArray;

import org.springframework.util.Assert;

/**
 * The lock-free fast path of {@link MutexTable}: a fixed array of slots, each key hashed to one.
 * A slot holds one of three values, and every change of a slot is one compare-and-set of it:
 * <ul>
 * <li>{@code null}: no key of the slot is held or waited for;</li>
 * <li>a {@link MutexPermit}: its key is held once, by that permit, nobody waits for it, and the
 * map has no entry for any key of the slot;</li>
 * <li>a {@link Shared}: the map has that many entries for keys of the slot, and every key of the
 * slot goes through the map.</li>
 * </ul>
 * A permit enters a slot only when it is created, and a {@code Shared} is always a new object,
 * so a value never comes back once it left: a successful compare-and-set proves the slot did
 * not change since it was read (no ABA), and taking a permit out of its slot succeeds once. The
 * {@code Shared} counts change only inside the map's {@code compute} for the key whose entry is
 * created or removed, which keeps "the map has entries for slot s" and "slot s is
 * {@code Shared}" true together as seen from inside a key's {@code compute} (a reader outside
 * one may see the slot change a moment before the entry does).
 */
final class MutexSlots {

	/** Fibonacci hashing's multiplier: 2^32 divided by the golden ratio. */
	private static final int SPREAD = 0x9E3779B9;

	private final AtomicReferenceArray<Object> slots;

	private final int mask;

	private final int shift;

	MutexSlots(int count) {
		Assert.isTrue(count > 0 && Integer.bitCount(count) == 1, "slot count must be a power of two");
		this.slots = new AtomicReferenceArray<>(count);
		this.mask = count - 1;
		// For one slot this is 32, which Java's shift reads as 0: harmless, the mask is 0 then.
		this.shift = Integer.numberOfLeadingZeros(count) + 1;
	}

	/**
	 * The key's slot, from the top bits of its hash times {@link #SPREAD}: keys whose hashes are
	 * close ("hot-1", "hot-2") land far apart, not in neighbouring slots of one cache line, where
	 * every compare-and-set of one would slow down the others.
	 */
	int index(String key) {
		return ((key.hashCode() * SPREAD) >>> this.shift) & this.mask;
	}

	/**
	 * Puts the permit in the slot if it is free.
	 * @return {@code null} when held now; otherwise the slot's value that stands in the way (the
	 * permit of a direct holder, perhaps of the same key and owner, or a {@link Shared})
	 */
	Object take(int index, MutexPermit permit) {
		Object slot;
		do {
			slot = this.slots.get(index);
		}
		while (slot == null && !this.slots.compareAndSet(index, null, permit));
		return slot;
	}

	/**
	 * Takes the permit out of its slot. Returns {@code false} when it is not there: released
	 * already, or moved into the map by {@link #share} (under the key's bin lock, so a release
	 * through the map, which waits for that lock, finds it).
	 */
	boolean giveBack(int index, MutexPermit permit) {
		return this.slots.compareAndSet(index, permit, null);
	}

	/**
	 * Turns a direct hold into the first of the slot's map entries; to be called inside the map's
	 * {@code compute} for the holder's key, which then installs the entry. Fails, and the caller
	 * installs nothing, when the holder released meanwhile.
	 */
	boolean share(int index, MutexPermit holder) {
		return this.slots.compareAndSet(index, holder, new Shared(1));
	}

	/**
	 * Counts a map entry about to be created; to be called inside the map's {@code compute} for
	 * its key. Fails when a key of the slot is held directly: that holder must be moved into the
	 * map first.
	 */
	boolean join(int index) {
		for (;;) {
			Object slot = this.slots.get(index);
			if (slot instanceof MutexPermit) {
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
			if (this.slots.get(i) instanceof MutexPermit) {
				held++;
			}
		}
		return held;
	}

	/** The map has {@code entries} entries for keys of the slot. */
	record Shared(int entries) {

	}

}
