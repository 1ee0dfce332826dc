package dev.baton.redis;

import org.springframework.lang.Nullable;

/**
 * The format of the values Baton keeps in Redis (lock values and queues, flight records, AI
 * budgets), as {@code dev/baton/redis/format.lua} defines it for the scripts. This version
 * reads and writes format {@value #CURRENT}, the layout every version so far has written,
 * without a marker; a later, incompatible format begins its values with {@code @<n>:}, and a
 * script that meets one leaves it as it is and answers an error that
 * {@link #reportedBy(Throwable)} reads.
 */
public final class StoredFormat {

	/** The format this version reads and writes. */
	public static final int CURRENT = 1;

	/** The scripts' shared constants, to put in front of every script that reads others' values. */
	public static final String LIBRARY = "dev/baton/redis/format.lua";

	private static final String ERROR = "BATON_FORMAT ";

	private StoredFormat() {
	}

	/**
	 * The format a script found when it refused a value of a later one: its number, or
	 * {@code "?"} when its marker could not be read.
	 * @param failure a script's failure, as the driver or Spring Data Redis reports it
	 * @return the format found, or {@code null} when {@code failure} is about something else
	 */
	@Nullable
	public static String reportedBy(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			String message = cause.getMessage();
			int at = (message != null) ? message.indexOf(ERROR) : -1;
			if (at >= 0) {
				String rest = message.substring(at + ERROR.length());
				int end = rest.indexOf(' ');
				return (end > 0) ? rest.substring(0, end) : rest;
			}
		}
		return null;
	}

	/**
	 * What to say of a value of a later format: {@code "<subject> is kept in format 2; this
	 * instance reads format 1: ..."}.
	 * @param subject what is kept, e.g. {@code "Lock 'sku-1'"}
	 * @param found the format found, as {@link #reportedBy(Throwable)} returned it
	 */
	public static String mismatch(String subject, String found) {
		String kept = "?".equals(found) ? "in a format it does not name" : "in format " + found;
		return subject + " is kept " + kept + "; this instance reads format " + CURRENT
				+ ": upgrade it to a Baton version that reads that format, or run the two versions with different "
				+ "key prefixes (see \"Rolling upgrades\" in Baton's README)";
	}

}
