package dev.baton.lock;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.springframework.lang.Nullable;

/**
 * Everything this JVM knows about one key while someone here holds or waits for it: the local
 * owner (a thread or a reactive hold), the FIFO of local waiters, and the store lease that the
 * local owners share. Only the local owner talks to the store, so waiters in one JVM cost the
 * store one client, not one each.
 * <p>
 * Guarded by its own monitor (nothing waits while holding it), but for what each field says;
 * only this class writes its fields.
 */
final class KeyState {

	/** Grants, in order: waiting callers complete with the token they now hold. */
	record Waiter(Object owner, CompletableFuture<Void> granted) {
	}

	/**
	 * What {@link #enter} answers an owner re-entering a hold whose lease ended or was lost:
	 * it must {@link AbstractLockRegistry#lose lose} that hold and enter anew. Never completed.
	 */
	static final CompletableFuture<Void> ENDED = new CompletableFuture<>();

	/** What one release of a hold left: see {@link #release}. */
	enum Release {

		/** The owner holds on (it had re-entered). */
		HELD,

		/** It was the owner's last hold: the lease is to be handed off or released. */
		LAST,

		/** A hold that had ended with its lease; the owner has more of them. */
		ENDED_HELD,

		/** The owner's last hold that had ended with its lease: nothing to release, it was lost. */
		ENDED_LAST

	}

	final String key;

	/** Owners holding or waiting. */
	@GuardedBy("the registry's map (its compute for this key)")
	private int users;

	@GuardedBy("this")
	private Object owner;

	@GuardedBy("this")
	private int count;

	@GuardedBy("this")
	private long ownerToken;

	@GuardedBy("this")
	private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

	/**
	 * Holds that ended with their lease while their owners still held them, by owner: how many
	 * times each owner has yet to release. Created on the first; {@code null} until then.
	 */
	@Nullable
	@GuardedBy("this")
	private Map<Object, Integer> ended;

	/** The store hold shared by successive local owners; {@code null} when this JVM holds none. */
	@GuardedBy("local owner; detached by lose under this, which compares it first")
	private volatile Lease lease;

	/**
	 * Set when a hold ended with its lease, and taken by the next owner that asks the store: it
	 * asks through the store's queue, never its fast path, since the store may have let the
	 * lease run out before this JVM ended it (a late timer), which would let it in ahead of the
	 * waiters of other instances.
	 */
	@GuardedBy("volatile; set under this by lose, taken by the local owner")
	private volatile boolean leaseRanOut;

	/** Completed when the store says the lock may be free; replaced before each store attempt. */
	@GuardedBy("volatile; replaced by the local owner, completed by the release listener")
	private volatile CompletableFuture<Void> released = new CompletableFuture<>();

	KeyState(String key) {
		this.key = key;
	}

	/** One more owner holds or waits; called in the registry's map compute for this key. */
	void join() {
		this.users++;
	}

	/** One owner fewer; called in the registry's map compute: {@code true} when none is left. */
	boolean leave() {
		return --this.users == 0;
	}

	/** The store hold this JVM has for the key, or {@code null}. */
	@Nullable
	Lease lease() {
		return this.lease;
	}

	/** The local owner's store hold from now on (a grant, or a fixed lease replacing a handed-off one). */
	void install(Lease lease) {
		this.lease = lease;
	}

	/** The local owner lets go of {@code expected} (released, stale or lost), unless another lease replaced it. */
	void detach(Lease expected) {
		if (this.lease == expected) {
			this.lease = null;
		}
	}

	/**
	 * Enters the local queue.
	 * @return {@code null} when {@code owner} re-entered; {@link #ENDED} when it holds already
	 * but its lease ended or was lost (it must not re-enter that hold: two instances would
	 * believe they hold the lock); a completed future when it became the local owner at once;
	 * otherwise a future completed when it does
	 */
	synchronized CompletableFuture<Void> enter(Object owner) {
		if (this.owner == owner) {
			Lease held = this.lease;
			if (held == null || !held.isValid()) {
				return ENDED;
			}
			this.count++;
			return null;
		}
		if (this.owner == null && this.waiters.isEmpty()) {
			this.owner = owner;
			this.count = 1;
			return CompletableFuture.completedFuture(null);
		}
		Waiter waiter = new Waiter(owner, new CompletableFuture<>());
		this.waiters.add(waiter);
		return waiter.granted();
	}

	/**
	 * Leaves the queue without having been granted. {@code false} means the grant won the race:
	 * the caller is the local owner now and must exit as one.
	 */
	synchronized boolean abandon(Object owner, CompletableFuture<Void> granted) {
		return this.waiters.removeIf((waiter) -> waiter.granted() == granted) || this.owner != owner;
	}

	synchronized boolean isOwner(Object owner) {
		return this.owner == owner;
	}

	/** Whether {@code owner} has a hold to release: a live one, or one that ended with its lease. */
	synchronized boolean holds(Object owner) {
		return this.owner == owner || (this.ended != null && this.ended.containsKey(owner));
	}

	/**
	 * One hold of {@code owner} fewer: its live hold first, then those that ended with their
	 * lease (holds are released in the reverse order of taking, and an ended hold is older than
	 * the one its owner took anew).
	 * @throws IllegalMonitorStateException if {@code owner} has no hold
	 */
	synchronized Release release(Object owner) {
		if (this.owner == owner && this.count > 0) {
			return (--this.count == 0) ? Release.LAST : Release.HELD;
		}
		Integer left = (this.ended != null) ? this.ended.get(owner) : null;
		if (left == null) {
			throw new IllegalMonitorStateException("Lock '" + this.key + "' is not held by " + describe(owner));
		}
		if (left > 1) {
			this.ended.put(owner, left - 1);
			return Release.ENDED_HELD;
		}
		this.ended.remove(owner);
		return Release.ENDED_LAST;
	}

	/**
	 * Ends the local owner's hold because its lease {@code lease} is over: the owner keeps an
	 * ended hold to release (as lost), the lease is detached, and the next waiter becomes the
	 * local owner, after {@code beforeGrant} ran (outside the monitor). Nothing happens when the
	 * hold was released meanwhile, or when it holds another lease.
	 * @param owner the owner whose hold it must be, or {@code null} for the current one
	 * @return whether a hold ended
	 */
	boolean lose(@Nullable Object owner, @Nullable Lease lease, Runnable beforeGrant) {
		Waiter next;
		synchronized (this) {
			if (this.owner == null || this.count == 0 || this.lease != lease
					|| (owner != null && this.owner != owner)) {
				return false;
			}
			if (this.ended == null) {
				this.ended = new IdentityHashMap<>(4);
			}
			this.ended.merge(this.owner, this.count, Integer::sum);
			this.lease = null;
			this.leaseRanOut = true;
			next = this.waiters.poll();
			this.owner = (next != null) ? next.owner() : null;
			this.count = (next != null) ? 1 : 0;
		}
		beforeGrant.run();
		if (next != null) {
			next.granted().complete(null);
		}
		return true;
	}

	synchronized boolean hasWaiters() {
		return !this.waiters.isEmpty();
	}

	/** How many local owners wait for the key (for tests and diagnostics). */
	synchronized int localWaiters() {
		return this.waiters.size();
	}

	synchronized long ownerToken() {
		return this.ownerToken;
	}

	synchronized void ownerToken(long token) {
		this.ownerToken = token;
	}

	/** Passes local ownership to the next waiter, if any. */
	void exit() {
		Waiter next;
		synchronized (this) {
			next = this.waiters.poll();
			this.owner = (next != null) ? next.owner() : null;
			this.count = (next != null) ? 1 : 0;
		}
		if (next != null) {
			next.granted().complete(null);
		}
	}

	/** Whether the store must be asked through its queue (a lease ran out here); asks once. */
	boolean takeQueuedAsk() {
		if (!this.leaseRanOut) {
			return false;
		}
		this.leaseRanOut = false;
		return true;
	}

	/**
	 * A fresh wake-up signal, armed before asking the store so that no release is missed. Only
	 * the local owner naps on it; one a reactive owner waited on is not reused, since each wait
	 * leaves a callback on it.
	 */
	CompletableFuture<Void> armReleaseSignal() {
		CompletableFuture<Void> current = this.released;
		if (current.isDone() || current.getNumberOfDependents() > 0) {
			current = new CompletableFuture<>();
			this.released = current;
		}
		return current;
	}

	void signalRelease() {
		this.released.complete(null);
	}

	private static String describe(Object owner) {
		return (owner instanceof Thread thread) ? "thread " + thread.getName() : "this hold";
	}

}
