package dev.baton.mutex;

import java.util.concurrent.locks.LockSupport;

/** A thread waiting for a key's mutex. It parks (no monitor is held), so it suits virtual threads. */
final class BlockingWaiter extends Waiter {

	/** The most a woken waiter spins before it parks again, as {@code AbstractQueuedSynchronizer} does. */
	private static final int MAX_SPINS = 127;

	private final Thread thread;

	private volatile boolean signalled;

	/** Spins left before parking again; touched by the waiting thread only. */
	private int spins;

	/** How long the last spin was; doubles (plus one) after each wake-up, up to {@link #MAX_SPINS}. */
	private int postSpins;

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
		while (!this.granted) {
			if (retriedOrSpun(table, key)) {
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

	/**
	 * Non-fair: retries after a wake-up, or spins a while after a retry that an arriving caller
	 * beat, longer each time, staying the woken waiter meanwhile so that releases need not wake
	 * it again; gives that up before it parks, so that the next release wakes it. Returns
	 * {@code false} when it is time to park.
	 */
	private boolean retriedOrSpun(MutexTable table, String key) {
		if (this.signalled) {
			this.signalled = false;
			table.retry(key, this, true);
			this.spins = this.postSpins = Math.min((this.postSpins << 1) | 1, MAX_SPINS);
			return true;
		}
		if (this.spins > 0) {
			this.spins--;
			Thread.onSpinWait();
			if (this.queue.isFree()) {
				table.retry(key, this, this.spins > 0);
			}
			return true;
		}
		if (this.postSpins > 0 && this.queue.isWoken(this)) {
			table.retry(key, this);
			return true;
		}
		return false;
	}

}
