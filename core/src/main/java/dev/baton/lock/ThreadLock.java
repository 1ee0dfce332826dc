package dev.baton.lock;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.baton.lock.LockStore.Attempt;
import reactor.core.scheduler.Schedulers;

import org.springframework.lang.Nullable;

/**
 * A {@link DistributedLock} whose holds belong to threads. Threads may block, so it takes and
 * releases the lock in plain blocking steps on the registry's shared state (the reactive
 * path's operators cost a few microseconds per lock, on a call that is one round trip).
 */
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
		mayBlock();
		long start = System.nanoTime();
		KeyState state;
		try {
			state = acquire(Thread.currentThread(), start + wait.toNanos(), lease, start);
		}
		catch (LockAcquisitionException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			InterruptedException named = new InterruptedException("Interrupted while waiting for lock '" + this.key + "'");
			named.initCause(ex);
			throw named;
		}
		LockContext.push(state.ownerToken());
		return true;
	}

	/**
	 * The registry's acquisition in plain blocking steps: join the key's local queue, wait for
	 * this thread's turn, then reuse the lease handed over or take one from the store. The
	 * common case, a free lock, costs the store's round trip and no operator.
	 */
	private KeyState acquire(Thread thread, long deadline, @Nullable Duration lease, long start)
			throws InterruptedException {
		KeyState state = this.registry.join(this.key);
		CompletableFuture<Void> granted = state.enter(thread);
		while (granted == KeyState.ENDED) {
			// Re-entering a hold whose lease ended: that hold is lost; this is a new acquisition.
			this.registry.endHold(state, thread, state.lease());
			granted = state.enter(thread);
		}
		if (granted == null) {
			this.registry.leave(state);
			return state;
		}
		try {
			if (!granted.isDone() && !signalled(granted, deadline - System.nanoTime())) {
				throw new LockAcquisitionException(this.key, AbstractLockRegistry.elapsed(start));
			}
			Lease current = this.registry.takeOver(state);
			switch (this.registry.leaseStep(current, lease)) {
				case HELD -> {
				}
				case REFIX -> await(this.registry.refix(state, current, lease).toFuture(), start);
				case CONFIRM -> {
					if (!await(this.registry.confirm(state, current).toFuture(), start)) {
						takeFromStore(state, deadline, lease, start);
					}
				}
				case TAKE -> takeFromStore(state, deadline, lease, start);
			}
		}
		catch (Throwable ex) {
			this.registry.giveUp(state, thread, granted);
			throw ex;
		}
		this.registry.countHold();
		return state;
	}

	/**
	 * Asks the store until it grants a hold, napping in between until the release notification
	 * or, at the latest, until the holder's lease ends. What a failed or abandoned attempt may
	 * have left in the store is given back.
	 */
	private void takeFromStore(KeyState state, long deadline, @Nullable Duration lease, long start)
			throws InterruptedException {
		String storeOwner = this.registry.newStoreOwner();
		Duration leaseTime = this.registry.leaseTime(lease);
		int handoffs = this.registry.options().handoffBudget();
		boolean queues = deadline - System.nanoTime() > 0;
		boolean retry = state.takeQueuedAsk();
		CompletableFuture<Attempt> reply = null;
		try {
			while (true) {
				CompletableFuture<Void> signal = state.armReleaseSignal();
				long askedAt = System.nanoTime();
				long bound = this.registry.callerBound(deadline);
				boolean answeredBefore = reply != null;
				reply = this.registry.store()
					.acquireNow(this.key, storeOwner, leaseTime, AbstractLockRegistry.remaining(deadline), handoffs,
							retry);
				Attempt attempt = (bound > 0) ? awaitWithin(reply, bound, answeredBefore, start) : await(reply, start);
				if (attempt.acquired()) {
					this.registry.hold(state, storeOwner, lease, attempt.token(), askedAt);
					return;
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new LockAcquisitionException(this.key, AbstractLockRegistry.elapsed(start));
				}
				signalled(signal, Math.min(attempt.retryIn().toNanos(), left));
				// Asked with time left to wait, so the store queued it.
				retry = true;
			}
		}
		catch (LockAcquisitionException ex) {
			this.registry.giveBackWhenLanded(reply, queues, this.key, storeOwner, true);
			throw ex;
		}
		catch (InterruptedException ex) {
			this.registry.giveBack(queues, this.key, storeOwner, false);
			throw ex;
		}
		catch (RuntimeException ex) {
			this.registry.giveBackWhenLanded(reply, queues, this.key, storeOwner, false);
			throw (ex instanceof LockException) ? ex
					: new LockUnavailableException(this.key, AbstractLockRegistry.elapsed(start), ex);
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
			Lease lease = this.registry.relinquish(state, thread);
			if (lease != null) {
				release(state, lease);
			}
		}
		finally {
			LockContext.pop();
		}
	}

	/**
	 * Releases the lease in the store, waiting for the answer even when interrupted (the
	 * interrupt stays set): an unlock must not leave the lock behind.
	 */
	private void release(KeyState state, Lease lease) {
		boolean released;
		try {
			released = this.registry.store().releaseNow(this.key, lease.storeOwner).join();
		}
		catch (RuntimeException ex) {
			Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
			throw new LockUnavailableException(this.key, Duration.ZERO, cause);
		}
		finally {
			// Before the caller hears of it: a thread that locks again at once must find the key free.
			this.registry.exitAndLeave(state);
		}
		LockLostException lost = this.registry.checkLost(this.key, lease, released);
		if (lost != null) {
			throw lost;
		}
	}

	/**
	 * The store's answer; a failure other than a {@link LockException} means the store is
	 * unavailable. An interrupt does not abandon the call: the script runs whatever this thread
	 * does, so it waits on, uninterruptibly, for the call to end before it throws (the store's
	 * deadline bounds it, a connection still opening included), and what the caller then gives
	 * back comes after what the call did.
	 */
	private <T> T await(CompletableFuture<T> reply, long start) throws InterruptedException {
		try {
			return reply.get();
		}
		catch (InterruptedException ex) {
			reply.handle((result, failure) -> null).join();
			// Thrown as the interrupt's answer, so the flag is clear (join keeps a second one).
			Thread.interrupted();
			throw ex;
		}
		catch (CancellationException ex) {
			throw new LockUnavailableException(this.key, AbstractLockRegistry.elapsed(start), ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			throw (cause instanceof LockException lockException) ? lockException
					: new LockUnavailableException(this.key, AbstractLockRegistry.elapsed(start), cause);
		}
	}

	/**
	 * {@link #await}, but for {@code nanos} at most, the caller's deadline: past it the caller
	 * hears at once, and the call goes on (what it takes is given back when it lands). The store
	 * did not answer in the whole wait: unavailable, unless it answered this hold before (then
	 * it was a busy lock's retry that the deadline cut short).
	 */
	private Attempt awaitWithin(CompletableFuture<Attempt> reply, long nanos, boolean answeredBefore, long start)
			throws InterruptedException {
		try {
			return reply.get(nanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			if (answeredBefore) {
				throw new LockAcquisitionException(this.key, AbstractLockRegistry.elapsed(start));
			}
			throw new LockUnavailableException(this.key, AbstractLockRegistry.elapsed(start), ex);
		}
		catch (InterruptedException ex) {
			reply.handle((result, failure) -> null).join();
			Thread.interrupted();
			throw ex;
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			throw (cause instanceof LockException lockException) ? lockException
					: new LockUnavailableException(this.key, AbstractLockRegistry.elapsed(start), cause);
		}
	}

	/** Waits up to {@code nanos} for a signal that only ever completes normally: {@code true} if it did. */
	private static boolean signalled(CompletableFuture<Void> signal, long nanos) throws InterruptedException {
		try {
			signal.get(nanos, TimeUnit.NANOSECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("A lock signal failed", ex.getCause());
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

	@Override
	public long fencingToken() {
		KeyState state = this.registry.state(this.key);
		if (state == null || !state.isOwner(Thread.currentThread())) {
			throw new IllegalStateException("Lock '" + this.key + "' is not held by the current thread");
		}
		return state.ownerToken();
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
