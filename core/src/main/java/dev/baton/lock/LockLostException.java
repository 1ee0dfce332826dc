package dev.baton.lock;

import java.time.Duration;

/**
 * The caller's hold on a lock ended before it released it: the lease expired (a pause longer
 * than the lease, a watchdog that could not reach Redis) or was taken over. The section it
 * guarded may have run concurrently with another holder; nothing of the new holder's lock was
 * touched.
 */
public class LockLostException extends LockException {

	public LockLostException(String key, Duration held) {
		super("Lock '" + key + "' was lost before release (held " + held.toMillis()
				+ " ms): its lease expired, so the section may not have been exclusive", null, key, held, null);
	}

	/**
	 * @param message what was lost, and when it was found out
	 * @param key the lock's key
	 */
	public LockLostException(String message, String key) {
		super(message, null, key, Duration.ZERO, null);
	}

}
