package dev.baton.lock;

import dev.baton.WaitObserver;

/** Hears how long callers waited for and held distributed locks ({@code baton.lock.acquire}, {@code baton.lock.held}). */
public interface LockObserver extends WaitObserver {

	/**
	 * The detail (see {@link dev.baton.Observed#detail}) that an observed hold of a
	 * {@code @DistributedLock} method is given as soon as it begins: the fencing token the method
	 * sees, that of its innermost lock, in decimal.
	 */
	String FENCING_TOKEN = "baton.lock.fencing_token";

	/** Observes nothing. */
	LockObserver NONE = new LockObserver() {
	};

}
