package dev.baton.lock;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A lock on one key that spans every instance sharing the registry's store. Holds belong to
 * the thread that took them and are re-entrant: the lock is freed when the thread has released
 * it as often as it took it.
 * <p>
 * {@link #lock()} and {@link #tryLock(long, java.util.concurrent.TimeUnit)} use the registry's
 * lease with a watchdog that renews it while held; {@link #tryLock(Duration, Duration)} can set
 * a fixed lease instead. {@link #unlock()} throws {@link LockLostException} when the hold ended
 * before release, and {@link LockUnavailableException} when the store fails; either way this
 * JVM's state for the key is cleared and its renewal stopped.
 */
public interface DistributedLock extends Lock {

	/** The key this lock was obtained for. */
	String key();

	/**
	 * Waits up to {@code wait} for the lock and holds it for {@code lease} (no renewal), or with
	 * the watchdog when {@code lease} is {@code null}.
	 * @return whether the lock was acquired
	 * @throws InterruptedException if interrupted while waiting; nothing is held then
	 * @throws LockUnavailableException if the store cannot be reached
	 */
	boolean tryLock(Duration wait, Duration lease) throws InterruptedException;

	/**
	 * {@link #tryLock(Duration, Duration)} for a section that will use its fencing token: the
	 * token comes with the lock, in the same round trip, where {@link #fencingToken()} after a
	 * plain {@code tryLock} may take one more (see there). {@code @DistributedLock} methods take
	 * their locks this way once a call of the method has asked for the token.
	 * @return whether the lock was acquired
	 * @throws InterruptedException if interrupted while waiting; nothing is held then
	 * @throws LockUnavailableException if the store cannot be reached
	 */
	default boolean tryLockWithToken(Duration wait, Duration lease) throws InterruptedException {
		return tryLock(wait, lease);
	}

	/** Whether the current thread holds this lock and its lease has not been lost. */
	boolean isHeldByCurrentThread();

	/**
	 * The fencing token of the current thread's hold: strictly increasing per key across every
	 * hold that asks for one (acquisitions and hand-offs alike), so a store can refuse writes
	 * that carry an older token. A store may grant a hold without its token when that is cheaper
	 * (Redis, for a free lock): the first call then asks the store for it, one round trip, and
	 * every later call during the hold returns the same token at once.
	 * @throws IllegalStateException if the current thread does not hold the lock
	 * @throws LockLostException if the hold ended before its token was issued
	 * @throws LockUnavailableException if the store could not be asked for the token
	 */
	long fencingToken();

	/** Not supported: a distributed lock has no conditions. */
	@Override
	default Condition newCondition() {
		throw new UnsupportedOperationException("Distributed locks do not support conditions");
	}

}
