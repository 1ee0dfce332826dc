package dev.baton.mutex;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One hold of a key's mutex. {@link #close()} releases it, once: further calls do nothing. A
 * permit may be closed on any thread (a reactive pipeline may end elsewhere than it began).
 */
public final class MutexPermit implements AutoCloseable {

	private static final AtomicIntegerFieldUpdater<MutexPermit> CLOSED = AtomicIntegerFieldUpdater
		.newUpdater(MutexPermit.class, "closed");

	private final KeyedMutexPool pool;

	private final String key;

	private final Object owner;

	private final long grantedAt;

	private volatile int closed;

	MutexPermit(KeyedMutexPool pool, String key, Object owner, long grantedAt) {
		this.pool = pool;
		this.key = key;
		this.owner = owner;
		this.grantedAt = grantedAt;
	}

	/** The key this permit holds. */
	public String getKey() {
		return this.key;
	}

	/** Whether {@link #close()} has been called. */
	public boolean isReleased() {
		return this.closed != 0;
	}

	/** Releases the hold; the next waiter for the key, if any, gets the mutex. Idempotent. */
	@Override
	public void close() {
		if (CLOSED.compareAndSet(this, 0, 1)) {
			this.pool.release(this.key, this.owner, this.grantedAt);
		}
	}

}
