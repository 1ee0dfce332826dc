package dev.baton.mutex;

/**
 * One request for a key's mutex, from arrival to grant or abandonment. Its fields other than
 * {@link #granted} are written inside the key's map bin lock only (see {@link MutexTable}).
 */
abstract class Waiter {

	/** The hold this waiter asks for. */
	final MutexPermit permit;

	/** Who holds the mutex once granted: the thread, or the permit for reactive callers. */
	final Object owner;

	/**
	 * Set when the mutex is this waiter's: inside the key's {@code compute}, or right after the
	 * compare-and-set that took it (slot or entry); read by the waiting side.
	 */
	volatile boolean granted;

	/** Whether {@link MutexTable#arrive} put this waiter in the key's queue. */
	boolean queued;

	/** The entry whose queue this waiter joined. */
	MutexEntry queue;

	/** A waiter to wake after this one left the queue of a free mutex (non-fair hand-on). */
	Waiter passOn;

	Waiter(MutexPermit permit) {
		this.permit = permit;
		this.owner = permit.owner;
	}

	/** The mutex is this waiter's, as the map's {@code entry}. */
	void grantInMap(MutexEntry entry) {
		this.permit.enterMap(entry);
		this.granted = true;
	}

	/** Whether the waiting side has given up; such a waiter is never queued nor granted afresh. */
	boolean abandoned() {
		return false;
	}

	/**
	 * Whether a wake-up is still pending: this waiter was woken and has not yet retried. Its
	 * retry comes after the caller's transition, so waking it again would only cost a system call.
	 */
	boolean awake() {
		return false;
	}

	/**
	 * Called outside any lock after this waiter was granted the mutex (fair) or after the
	 * mutex fell free with this waiter first in line (non-fair: the waiter must retry).
	 */
	abstract void wake();

}
