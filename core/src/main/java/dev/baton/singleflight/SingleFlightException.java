package dev.baton.singleflight;

import java.time.Duration;

import dev.baton.KeyedException;
import dev.baton.redis.StoredFormat;
import dev.baton.redis.StoredFormatException;

import org.springframework.lang.Nullable;

/**
 * A flight failed: its leader on another instance threw ({@link #getErrorType()} and
 * {@link #getErrorMessage()} say what), the loader threw a checked exception (the cause), or
 * Redis could not be reached (the cause). Carries the flight's name, its key and how long the
 * caller waited.
 */
public class SingleFlightException extends KeyedException {

	@Nullable
	private final String errorType;

	@Nullable
	private final String errorMessage;

	private final boolean loaderFailure;

	private final boolean storeFailure;

	public SingleFlightException(String message, String name, String key, Duration waited, @Nullable Throwable cause) {
		this(message, name, key, waited, null, null, cause, false, false);
	}

	SingleFlightException(String message, String name, String key, Duration waited, @Nullable String errorType,
			@Nullable String errorMessage, @Nullable Throwable cause, boolean loaderFailure, boolean storeFailure) {
		super(message, name, key, waited, cause);
		this.errorType = errorType;
		this.errorMessage = errorMessage;
		this.loaderFailure = loaderFailure;
		this.storeFailure = storeFailure;
	}

	/** Redis failed or did not answer in time ({@code cause}), or failed so recently that it was not asked. */
	static SingleFlightException storeFailed(String name, String key, Duration waited, String what,
			@Nullable Throwable cause) {
		return new SingleFlightException("Flight " + name + " '" + key + "': Redis failed (" + what + ")", name, key,
				waited, null, null, cause, false, true);
	}

	/**
	 * The flight is kept in Redis in a later format than this instance reads: its stored outcome
	 * or its leader's lease was neither used nor replaced. A store failure: the call fails or runs
	 * locally, as its store-failure policy says.
	 */
	static SingleFlightException laterFormat(String name, String key, Duration waited, StoredFormatException cause) {
		return new SingleFlightException(
				StoredFormat.mismatch("Flight " + name + " '" + key + "'", cause.getFoundFormat()), name, key, waited,
				null, null, cause, false, true);
	}

	/** The loader, run in this JVM, threw the checked exception {@code cause}. */
	static SingleFlightException loaderFailed(String name, String key, Duration waited, Throwable cause) {
		return new SingleFlightException("Flight " + name + " '" + key + "' failed: " + cause, name, key, waited, null,
				null, cause, true, false);
	}

	/** The leader on another instance failed with an exception of {@code errorType}. */
	static SingleFlightException remote(String name, String key, Duration waited, String errorType,
			String errorMessage) {
		return new SingleFlightException("Flight " + name + " '" + key + "' failed on its leader: " + errorType
				+ (errorMessage.isEmpty() ? "" : ": " + errorMessage), name, key, waited, errorType, errorMessage, null,
				false, false);
	}

	/**
	 * Whether this only wraps a checked exception the loader threw in this JVM: then
	 * {@link #getCause()} is that exception, the same instance for every caller in the JVM.
	 */
	public boolean isLoaderFailure() {
		return this.loaderFailure;
	}

	/**
	 * Whether Redis could not be reached: it failed, did not answer within the store timeout, or
	 * had failed less than the store retry interval ago and was not asked; or whether it keeps
	 * the flight in a later format than this instance reads (the cause is then a
	 * {@link StoredFormatException} naming both).
	 */
	public boolean isStoreFailure() {
		return this.storeFailure;
	}

	/** The class name of the leader's exception when the leader ran on another instance, else {@code null}. */
	@Nullable
	public String getErrorType() {
		return this.errorType;
	}

	/**
	 * The message of the leader's exception when the leader ran on another instance ({@code ""}
	 * for none), else {@code null}.
	 */
	@Nullable
	public String getErrorMessage() {
		return this.errorMessage;
	}

}
