package dev.baton.lock;

import java.time.Duration;

import dev.baton.KeyedException;

/** A lock could not be taken, kept or given back. Carries the lock's name, key and what was waited. */
public abstract class LockException extends KeyedException {

	LockException(String message, String name, String key, Duration waited, Throwable cause) {
		super(message, name, key, waited, cause);
	}

}
