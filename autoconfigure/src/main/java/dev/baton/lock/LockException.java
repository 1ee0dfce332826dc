package dev.baton.lock;

import java.time.Duration;

import dev.baton.BatonException;

/** A lock could not be taken, kept or given back. Carries the lock's key and what was waited. */
public abstract class LockException extends BatonException {

	private final String name;

	private final String key;

	private final Duration waited;

	LockException(String message, String name, String key, Duration waited, Throwable cause) {
		super(message, cause);
		this.name = name;
		this.key = key;
		this.waited = waited;
	}

	/** The lock's name ({@code @DistributedLock}'s), or {@code null} for a lock taken by hand. */
	public String getName() {
		return this.name;
	}

	/** The lock's key, as the caller gave it. */
	public String getKey() {
		return this.key;
	}

	/** How long the caller waited before this was thrown. */
	public Duration getWaited() {
		return this.waited;
	}

}
