package dev.baton.lock;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

import reactor.core.scheduler.Schedulers;

/**
 * A {@link DistributedLock} whose holds belong to threads: the blocking driver of an
 * {@link Acquisition}, parking the thread on each of its waits. No Reactor operator on the way
 * (they cost a few microseconds per lock, on a call that is one round trip): a free lock costs
 * the store's round trip and a park.
 */
final class ThreadLock implements DistributedLock, LongSupplier {

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
		return tryLock(wait, lease, true);
	}

	@Override
	public boolean tryLockWithToken(Duration wait, Duration lease) throws InterruptedException {
		return tryLock(wait, lease, false);
	}

	private boolean tryLock(Duration wait, Duration lease, boolean tokenLater) throws InterruptedException {
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		mayBlock();
		Acquisition acquisition = Acquisition.start(this.registry, this.key, Thread.currentThread(), wait, lease,
				System.nanoTime(), tokenLater);
		try {
			while (!acquisition.isHeld()) {
				acquisition.advance(park(acquisition));
			}
		}
		catch (LockAcquisitionException ex) {
			return false;
		}
		LockContext.push(this);
		return true;
	}

	/**
	 * Parks until the acquisition's awaited future completes ({@code true}) or its wait runs
	 * out. An interrupt abandons the acquisition, but not a store call in flight: the script
	 * runs whatever this thread does, so it waits on, uninterruptibly, for the call to land
	 * (the store's deadline bounds it, a connection still opening included), and what is then
	 * withdrawn comes after what the call did.
	 */
	private boolean park(Acquisition acquisition) throws InterruptedException {
		CompletableFuture<?> awaited = acquisition.awaited();
		try {
			long nanos = acquisition.waitNanos();
			if (nanos == Acquisition.NO_LIMIT) {
				awaited.get();
			}
			else {
				awaited.get(nanos, TimeUnit.NANOSECONDS);
			}
			return true;
		}
		catch (ExecutionException | CancellationException ex) {
			// Completed: the acquisition reads how.
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			if (acquisition.waitsForStore()) {
				awaited.handle((result, failure) -> null).join();
				// Thrown as the interrupt's answer, so the flag is clear (join keeps a second one).
				Thread.interrupted();
			}
			acquisition.abandon();
			InterruptedException named = new InterruptedException(
					"Interrupted while waiting for lock '" + this.key + "'");
			named.initCause(ex);
			throw named;
		}
	}

	@Override
	public void unlock() {
		Thread thread = Thread.currentThread();
		KeyState state = this.registry.state(this.key);
		if (state == null || !state.holds(thread)) {
			throw new IllegalMonitorStateException(
					"Lock '" + this.key + "' is not held by thread " + thread.getName());
		}
		mayBlock();
		try {
			// Waits for the store's answer even when interrupted (the interrupt stays set): an
			// unlock must not leave the lock behind.
			this.registry.release(state, thread).join();
		}
		catch (CompletionException ex) {
			throw (ex.getCause() instanceof RuntimeException cause) ? cause : ex;
		}
		finally {
			LockContext.pop();
		}
	}

	/**
	 * A thread-bound lock blocks its thread; on a thread that must never block (an event loop)
	 * it fails at once, as Reactor's {@code block()} does, instead of stalling it.
	 */
	private void mayBlock() {
		if (Schedulers.isInNonBlockingThread()) {
			throw new IllegalStateException("DistributedLock '" + this.key + "' would block thread "
					+ Thread.currentThread().getName() + ", which must never block; use "
					+ "DistributedLockRegistry.withLock(key, wait, Mono) or acquire(key, wait, lease) there");
		}
	}

	@Override
	public boolean isHeldByCurrentThread() {
		KeyState state = this.registry.state(this.key);
		if (state == null || !state.isOwner(Thread.currentThread())) {
			return false;
		}
		Lease lease = state.lease();
		return lease != null && lease.isValid();
	}

	/**
	 * The hold's fencing token. A thread's hold on a free lock is granted without one (the
	 * cheapest acquisition: a plain {@code SET NX}); it is issued at the first call, one round
	 * trip to the store, and is the same at every later call during the hold.
	 * @throws LockLostException if the hold ended before its token was issued
	 * @throws LockUnavailableException if the store did not answer
	 */
	@Override
	public long fencingToken() {
		KeyState state = this.registry.state(this.key);
		if (state == null || !state.isOwner(Thread.currentThread())) {
			throw new IllegalStateException("Lock '" + this.key + "' is not held by the current thread");
		}
		return this.registry.fencingToken(state);
	}

	/** The token, for {@link LockContext}. */
	@Override
	public long getAsLong() {
		return fencingToken();
	}

	/** Handles are equal when they are of one registry and one key: they are the same lock. */
	@Override
	public boolean equals(Object other) {
		return this == other || (other instanceof ThreadLock lock && lock.registry == this.registry
				&& lock.key.equals(this.key));
	}

	@Override
	public int hashCode() {
		return 31 * System.identityHashCode(this.registry) + this.key.hashCode();
	}

	@Override
	public String toString() {
		return "DistributedLock[" + this.key + "]";
	}

}
