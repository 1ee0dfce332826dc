package dev.baton.lock;

import reactor.core.publisher.Mono;

/**
 * A hold on a lock that belongs to one owner token rather than a thread: what reactive and
 * asynchronous callers get. Release it exactly once, from any thread.
 */
public interface LockHold {

	/** The key the lock was taken for. */
	String key();

	/** The fencing token of this hold. */
	long fencingToken();

	/** Whether the hold is still valid: not released, and its lease not lost. */
	boolean isValid();

	/**
	 * Releases the hold. Completes empty; errors with {@link LockLostException} if the hold
	 * ended before release, or {@link LockUnavailableException} if the store failed. Local
	 * state and renewal are cleared in every case. A second call completes empty.
	 */
	Mono<Void> release();

}
