package dev.baton.lock;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * Everything this JVM knows about one key while someone here holds or waits for it: the local
 * owner (a thread or a reactive hold), the FIFO of local waiters, and the store lease that the
 * local owners share. Only the local owner talks to the store, so waiters in one JVM cost the
 * store one client, not one each.
 * <p>
 * Guarded by its own monitor; nothing waits while holding it.
 */
final class KeyState {

	/** Grants, in order: waiting callers complete with the token they now hold. */
	record Waiter(Object owner, CompletableFuture<Void> granted) {
	}

	final String key;

	/** Owners holding or waiting. Guarded by the registry's map. */
	int users;

	private Object owner;

	private int count;

	private long ownerToken;

	private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

	/** The store hold shared by successive local owners; {@code null} when this JVM holds none. */
	volatile Lease lease;

	/** Completed when the store says the lock may be free; replaced before each store attempt. */
	private volatile CompletableFuture<Void> released = new CompletableFuture<>();

	KeyState(String key) {
		this.key = key;
	}

	/**
	 * Enters the local queue.
	 * @return {@code null} when {@code owner} re-entered; a completed future when it became the
	 * local owner at once; otherwise a future completed when it does
	 */
	synchronized CompletableFuture<Void> enter(Object owner) {
		if (this.owner == owner) {
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

	/** One hold fewer; {@code true} when it was the owner's last. */
	synchronized boolean decrement(Object owner) {
		if (this.owner != owner) {
			throw new IllegalMonitorStateException("Lock '" + this.key + "' is not held by " + describe(owner));
		}
		return --this.count == 0;
	}

	synchronized boolean hasWaiters() {
		return !this.waiters.isEmpty();
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

	/** A fresh wake-up signal, armed before asking the store so that no release is missed. */
	CompletableFuture<Void> armReleaseSignal() {
		CompletableFuture<Void> current = this.released;
		if (current.isDone()) {
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
