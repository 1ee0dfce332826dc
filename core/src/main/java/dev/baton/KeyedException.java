package dev.baton;

import java.time.Duration;

import org.springframework.lang.Nullable;

/**
 * A {@link BatonException} about one key of a named lock, mutex or flight: carries the name,
 * the key and how long the caller waited, so that a handler can answer (say, a 429 with
 * {@code Retry-After}) without parsing the message.
 */
public abstract class KeyedException extends BatonException {

	@Nullable
	private final String name;

	private final String key;

	private final Duration waited;

	protected KeyedException(String message, @Nullable String name, String key, Duration waited,
			@Nullable Throwable cause) {
		super(message, cause);
		this.name = name;
		this.key = key;
		this.waited = waited;
	}

	/** The name of the lock, mutex or flight (an annotation's, or a default), or {@code null} for one used by hand without a name. */
	@Nullable
	public String getName() {
		return this.name;
	}

	/** The key, as the caller gave it. */
	public String getKey() {
		return this.key;
	}

	/** How long the caller waited before this was thrown. */
	public Duration getWaited() {
		return this.waited;
	}

}
