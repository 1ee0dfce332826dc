package dev.baton.redis;

import dev.baton.BatonException;

/**
 * A value Baton keeps in Redis is in a later format than this version reads (written by a later
 * Baton version in a rolling upgrade, say): it was neither used nor overwritten. The message
 * names what is kept, the format found and the format this instance reads.
 */
public class StoredFormatException extends BatonException {

	private final String foundFormat;

	/**
	 * @param subject what is kept, e.g. {@code "The cluster-wide AI budget"}
	 * @param foundFormat the format found: its number, or {@code "?"} when it could not be read
	 */
	public StoredFormatException(String subject, String foundFormat) {
		super(StoredFormat.mismatch(subject, foundFormat));
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
