package dev.baton.mutex;

import java.util.concurrent.locks.LockSupport;

/** A thread waiting for a key's mutex. It parks (no monitor is held), so it suits virtual threads. */
final class BlockingWaiter extends Waiter {

	/** The most a woken waiter spins before it parks again, as {@code AbstractQueuedSynchronizer} does. */
	private static final int MAX_SPINS = 127;

	private final Thread thread;

	private volatile boolean signalled;

	BlockingWaiter(MutexPermit permit, Thread thread) {
		super(permit);
		this.thread = thread;
	}

	@Override
	boolean awake() {
		// Cleared before the retry, so a true here means the retry is still to come.
		return this.signalled;
	}

	@Override
	void wake() {
		this.signalled = true;
		LockSupport.unpark(this.thread);
	}

	/**
	 * Parks until the mutex is granted or the deadline passes.
	 * @param deadline {@link System#nanoTime()} to give up at, or {@code null} to wait for ever
	 * @return whether the mutex was granted
	 * @throws InterruptedException when interrupted; the mutex is then not held
	 */
	boolean await(MutexTable table, String key, Long deadline) throws InterruptedException {
		int spins = 0;
		int postSpins = 0;
		while (!this.granted) {
			if (this.signalled) {
				this.signalled = false;
				table.retry(key, this, true);
				// Woken for a free mutex and beaten to it: spin a while before parking again,
				// longer each time, staying the woken waiter so that releases need not wake us.
				spins = postSpins = Math.min((postSpins << 1) | 1, MAX_SPINS);
				continue;
			}
			if (spins > 0) {
				spins--;
				Thread.onSpinWait();
				if (this.queue.isFree()) {
					table.retry(key, this, spins > 0);
				}
				continue;
			}
			if (postSpins > 0 && this.queue.isWoken(this)) {
				// About to park: no longer the woken one, so the next release wakes us.
				table.retry(key, this);
				continue;
			}
			if (deadline == null) {
				LockSupport.park(this);
			}
			else {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					return table.abandon(key, this);
				}
				LockSupport.parkNanos(this, remaining);
			}
			if (Thread.interrupted()) {
				if (table.abandon(key, this)) {
					this.permit.release();
				}
				throw new InterruptedException();
			}
		}
		return true;
	}

}
