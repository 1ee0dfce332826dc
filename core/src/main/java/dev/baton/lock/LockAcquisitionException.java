package dev.baton.lock;

import java.time.Duration;

/** The lock was not acquired within the wait time: someone else held it throughout. */
public class LockAcquisitionException extends LockException {

	public LockAcquisitionException(String key, Duration waited) {
		this(null, key, waited);
	}

	public LockAcquisitionException(String name, String key, Duration waited) {
		super(((name != null) ? "Lock " + name + " " : "Lock ") + "'" + key + "' not acquired within "
				+ waited.toMillis() + " ms", name, key, waited, null);
	}

}
