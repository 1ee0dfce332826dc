package dev.baton;

/**
 * Root of every exception Baton throws. Unchecked: a lock that could not be taken, a flight
 * that timed out or an upstream that failed is not something a caller can usually recover
 * from at the call site, and each subclass carries what is needed to report it (the name,
 * the key, what was waited).
 */
public class BatonException extends RuntimeException {

	public BatonException(String message) {
		super(message);
	}

	public BatonException(String message, Throwable cause) {
		super(message, cause);
	}

}
