package dev.baton.lock;

import java.time.Duration;

/** The lock's store (Redis) could not be reached or answered with an error. Never a silent pass. */
public class LockUnavailableException extends LockException {

	public LockUnavailableException(String key, Duration waited, Throwable cause) {
		super("Lock '" + key + "' unavailable: the lock store failed (" + cause.getMessage() + ")", null, key, waited,
				cause);
	}

	public LockUnavailableException(String message, String key, Duration waited) {
		super(message, null, key, waited, null);
	}

}
