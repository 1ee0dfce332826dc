package dev.baton.lock;

import java.time.Duration;

import dev.baton.redis.StoredFormat;

/**
 * The lock is kept in Redis in a later format than this instance reads (a later Baton version
 * holds it, or waits first for it): it is treated as held, neither taken, waited for nor
 * changed. The message names the key, the format found and the format this instance reads.
 */
public class LockFormatException extends LockUnavailableException {

	private final String foundFormat;

	/**
	 * @param key the lock's key
	 * @param foundFormat the format found: its number, or {@code "?"} when it could not be read
	 */
	public LockFormatException(String key, String foundFormat) {
		super(StoredFormat.mismatch("Lock '" + key + "'", foundFormat), key, Duration.ZERO);
		this.foundFormat = foundFormat;
	}

	/** The format found in Redis: its number, or {@code "?"} when its marker could not be read. */
	public String getFoundFormat() {
		return this.foundFormat;
	}

	/** The format this instance reads ({@value StoredFormat#CURRENT}). */
	public int getReadFormat() {
		return StoredFormat.CURRENT;
	}

}
