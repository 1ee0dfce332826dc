package dev.baton.lock;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import reactor.core.Exceptions;

/** A {@link DistributedLock} whose holds belong to threads. */
final class ThreadLock implements DistributedLock {

	/** "Forever" for {@link #lock()}, short of overflowing a nanosecond deadline. */
	private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE / 4);

	private final AbstractLockRegistry registry;

	private final String key;

	ThreadLock(AbstractLockRegistry registry, String key) {
		this.registry = registry;
		this.key = key;
	}

	@Override
	public String key() {
		return this.key;
	}

	@Override
	public void lock() {
		boolean interrupted = false;
		while (true) {
			try {
				tryLock(FOREVER, null);
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void lockInterruptibly() throws InterruptedException {
		tryLock(FOREVER, null);
	}

	@Override
	public boolean tryLock() {
		try {
			return tryLock(Duration.ZERO, null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Override
	public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
		return tryLock(Duration.ofNanos(unit.toNanos(time)), null);
	}

	@Override
	public boolean tryLock(Duration wait, Duration lease) throws InterruptedException {
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		Thread thread = Thread.currentThread();
		try {
			this.registry.acquire(this.key, thread, wait, lease, System.nanoTime()).block();
		}
		catch (LockAcquisitionException ex) {
			return false;
		}
		catch (RuntimeException ex) {
			if (Exceptions.unwrap(ex) instanceof InterruptedException) {
				throw new InterruptedException("Interrupted while waiting for lock '" + this.key + "'");
			}
			throw ex;
		}
		LockContext.push(this.registry.state(this.key).ownerToken());
		return true;
	}

	@Override
	public void unlock() {
		Thread thread = Thread.currentThread();
		KeyState state = this.registry.state(this.key);
		if (state == null || !state.isOwner(thread)) {
			throw new IllegalMonitorStateException(
					"Lock '" + this.key + "' is not held by thread " + thread.getName());
		}
		try {
			this.registry.release(state, thread).block();
		}
		finally {
			LockContext.pop();
		}
	}

	@Override
	public boolean isHeldByCurrentThread() {
		KeyState state = this.registry.state(this.key);
		if (state == null || !state.isOwner(Thread.currentThread())) {
			return false;
		}
		Lease lease = state.lease;
		return lease != null && lease.isValid();
	}

	@Override
	public long fencingToken() {
		KeyState state = this.registry.state(this.key);
		if (state == null || !state.isOwner(Thread.currentThread())) {
			throw new IllegalStateException("Lock '" + this.key + "' is not held by the current thread");
		}
		return state.ownerToken();
	}

	@Override
	public String toString() {
		return "DistributedLock[" + this.key + "]";
	}

}
