package dev.baton.lock;

import java.time.Duration;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Hands out {@link DistributedLock}s by key. Implementations: {@link RedisLockRegistry} (one
 * Redis), {@link RedlockRegistry} (several independent masters) and {@link LocalLockRegistry}
 * (this JVM only).
 */
public interface DistributedLockRegistry {

	/**
	 * The lock for {@code key}: cheap, and the same key always means the same lock. Each call
	 * may return a new handle; handles of one registry and one key are {@code equals} (with
	 * equal hash codes), handles of different registries never are. Holds belong to the thread
	 * that took them, not to a handle.
	 */
	DistributedLock obtain(String key);

	/**
	 * Runs {@code work} holding the lock, waiting up to {@code wait} for it.
	 * @throws LockAcquisitionException if the lock was not acquired in time
	 * @throws LockLostException if the hold ended before {@code work} finished (its result is
	 * then not returned: the section was not protected)
	 */
	default <T> T withLock(String key, Duration wait, Supplier<T> work) {
		DistributedLock lock = obtain(key);
		boolean acquired;
		try {
			acquired = lock.tryLock(wait, null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new LockAcquisitionException(key, wait);
		}
		if (!acquired) {
			throw new LockAcquisitionException(key, wait);
		}
		T result;
		try {
			result = work.get();
		}
		catch (RuntimeException | Error ex) {
			try {
				lock.unlock();
			}
			catch (LockException lockFailure) {
				ex.addSuppressed(lockFailure);
			}
			throw ex;
		}
		lock.unlock();
		return result;
	}

	/**
	 * Takes the lock for {@code key} without blocking a thread: waits are callbacks.
	 * Cancelling the subscription gives up the wait and leaves nothing queued.
	 * @param lease a fixed lease, or {@code null} for the registry's lease with renewal
	 * @return a hold, or an error: {@link LockAcquisitionException} after {@code wait},
	 * {@link LockUnavailableException} when the store fails
	 */
	Mono<LockHold> acquire(String key, Duration wait, Duration lease);

	/** Subscribes to {@code work} holding the lock, and releases it when {@code work} terminates or is cancelled. */
	default <T> Mono<T> withLock(String key, Duration wait, Mono<T> work) {
		return Mono.usingWhen(acquire(key, wait, null),
				(hold) -> work.contextWrite(LockContext.with(hold)), LockHold::release,
				(hold, error) -> hold.release(), LockHold::release);
	}

	/** Subscribes to {@code work} holding the lock, and releases it when {@code work} terminates or is cancelled. */
	default <T> Flux<T> withLock(String key, Duration wait, Flux<T> work) {
		return Flux.usingWhen(acquire(key, wait, null),
				(hold) -> work.contextWrite(LockContext.with(hold)), LockHold::release,
				(hold, error) -> hold.release(), LockHold::release);
	}

}
