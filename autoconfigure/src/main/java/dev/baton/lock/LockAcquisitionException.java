package dev.baton.lock;

import java.time.Duration;

/** The lock was not acquired within the wait time: someone else held it throughout. */
public class LockAcquisitionException extends LockException {

	public LockAcquisitionException(String key, Duration waited) {
		super("Lock '" + key + "' not acquired within " + waited.toMillis() + " ms", key, waited, null);
	}

}
