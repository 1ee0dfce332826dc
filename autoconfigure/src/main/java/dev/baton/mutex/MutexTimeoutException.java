package dev.baton.mutex;

import java.time.Duration;

import dev.baton.BatonException;

/**
 * Thrown (or emitted) when a keyed mutex was not free within the wait time. Carries the
 * mutex's name, the key and how long was waited.
 */
public class MutexTimeoutException extends BatonException {

	private final String name;

	private final String key;

	private final Duration waited;

	public MutexTimeoutException(String name, String key, Duration waited) {
		super("Keyed mutex '" + name + "' on key '" + key + "' was not free within " + waited);
		this.name = name;
		this.key = key;
		this.waited = waited;
	}

	/** The mutex's name: the annotated method's, or the pool's for programmatic use. */
	public String getName() {
		return this.name;
	}

	/** The key that was busy. */
	public String getKey() {
		return this.key;
	}

	/** How long the caller waited before giving up. */
	public Duration getWaited() {
		return this.waited;
	}

}
