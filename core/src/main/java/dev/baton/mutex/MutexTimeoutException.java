package dev.baton.mutex;

import java.time.Duration;

import dev.baton.KeyedException;

/**
 * Thrown (or emitted) when a keyed mutex was not free within the wait time. Carries the
 * mutex's name, the key and how long was waited.
 */
public class MutexTimeoutException extends KeyedException {

	public MutexTimeoutException(String name, String key, Duration waited) {
		super("Keyed mutex '" + name + "' on key '" + key + "' was not free within " + waited, name, key, waited, null);
	}

}
