package dev.baton.singleflight;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Objects;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.lang.Nullable;

/**
 * How one flight runs: the type of its result (for JSON in Redis), the name its meters carry,
 * and optional overrides of the {@link SingleFlight}'s defaults. Immutable; each {@code with}
 * method returns a copy.
 * <pre>{@code
 * FlightOptions<List<Product>> options = FlightOptions.of(new ParameterizedTypeReference<List<Product>>() {})
 *     .named("products").ttl(Duration.ofSeconds(30)).localTtl(Duration.ofSeconds(5));
 * }</pre>
 * @param <T> the result type
 * @param type the declared result type, generic arguments included ({@code List<Product>})
 * @param name names the flight in meters and messages (never the key), and scopes its results:
 * flights share a key's result only under the same name
 * @param ttl how long the result stays in Redis; {@code null}: the default; zero: shared only
 * with the callers of this flight, not stored for later ones
 * @param localTtl how long the result stays in this JVM's cache; {@code null}: the default; zero: not at all
 * @param waitTimeout how long a caller waits for someone else's result; {@code null}: the default
 * @param cacheNulls whether a {@code null} result is stored for later callers; {@code null}: the default
 * @param errorTtl how long a failure is stored for later callers; {@code null}: the default; zero:
 * failures are shared with the callers of this flight only, and the next call runs again
 * @param maxFlightTime longest a loader may run before its flight is abandoned (its callers get
 * {@link SingleFlightTimeoutException}, the key is free again on every instance); {@code null}: the default
 * @param onStoreFailure what a call does when Redis cannot be reached; {@code null} or
 * {@link OnStoreFailure#DEFAULT}: the default
 */
public record FlightOptions<T>(Type type, String name, @Nullable Duration ttl, @Nullable Duration localTtl,
		@Nullable Duration waitTimeout, @Nullable Boolean cacheNulls, @Nullable Duration errorTtl,
		@Nullable Duration maxFlightTime, @Nullable OnStoreFailure onStoreFailure) {

	/** The name of flights that set none. */
	public static final String DEFAULT_NAME = "default";

	public FlightOptions {
		Objects.requireNonNull(type, "type");
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("A flight's name must not be blank");
		}
		requireNotNegative("ttl", ttl);
		requireNotNegative("localTtl", localTtl);
		requireNotNegative("errorTtl", errorTtl);
		requirePositive("waitTimeout", waitTimeout);
		requirePositive("maxFlightTime", maxFlightTime);
		if (onStoreFailure == OnStoreFailure.DEFAULT) {
			onStoreFailure = null;
		}
	}

	/** Options for results of a plain class, every setting at the {@link SingleFlight}'s default. */
	public static <T> FlightOptions<T> of(Class<T> type) {
		return new FlightOptions<>(type, DEFAULT_NAME, null, null, null, null, null, null, null);
	}

	/** Options for results of a generic type, e.g. {@code new ParameterizedTypeReference<List<Product>>() {}}. */
	public static <T> FlightOptions<T> of(ParameterizedTypeReference<T> type) {
		return new FlightOptions<>(type.getType(), DEFAULT_NAME, null, null, null, null, null, null, null);
	}

	/** Options for a type known only by reflection (an annotated method's return type). */
	public static FlightOptions<Object> ofType(Type type) {
		return new FlightOptions<>(type, DEFAULT_NAME, null, null, null, null, null, null, null);
	}

	public FlightOptions<T> named(String name) {
		return new FlightOptions<>(this.type, name, this.ttl, this.localTtl, this.waitTimeout, this.cacheNulls, this.errorTtl, this.maxFlightTime, this.onStoreFailure);
	}

	public FlightOptions<T> ttl(@Nullable Duration ttl) {
		return new FlightOptions<>(this.type, this.name, ttl, this.localTtl, this.waitTimeout, this.cacheNulls, this.errorTtl, this.maxFlightTime, this.onStoreFailure);
	}

	public FlightOptions<T> localTtl(@Nullable Duration localTtl) {
		return new FlightOptions<>(this.type, this.name, this.ttl, localTtl, this.waitTimeout, this.cacheNulls, this.errorTtl, this.maxFlightTime, this.onStoreFailure);
	}

	public FlightOptions<T> waitTimeout(@Nullable Duration waitTimeout) {
		return new FlightOptions<>(this.type, this.name, this.ttl, this.localTtl, waitTimeout, this.cacheNulls, this.errorTtl, this.maxFlightTime, this.onStoreFailure);
	}

	public FlightOptions<T> cacheNulls(@Nullable Boolean cacheNulls) {
		return new FlightOptions<>(this.type, this.name, this.ttl, this.localTtl, this.waitTimeout, cacheNulls, this.errorTtl, this.maxFlightTime, this.onStoreFailure);
	}

	public FlightOptions<T> errorTtl(@Nullable Duration errorTtl) {
		return new FlightOptions<>(this.type, this.name, this.ttl, this.localTtl, this.waitTimeout, this.cacheNulls, errorTtl, this.maxFlightTime, this.onStoreFailure);
	}

	public FlightOptions<T> maxFlightTime(@Nullable Duration maxFlightTime) {
		return new FlightOptions<>(this.type, this.name, this.ttl, this.localTtl, this.waitTimeout, this.cacheNulls, this.errorTtl, maxFlightTime, this.onStoreFailure);
	}

	public FlightOptions<T> onStoreFailure(@Nullable OnStoreFailure onStoreFailure) {
		return new FlightOptions<>(this.type, this.name, this.ttl, this.localTtl, this.waitTimeout, this.cacheNulls, this.errorTtl, this.maxFlightTime, onStoreFailure);
	}

	private static void requirePositive(String what, Duration duration) {
		if (duration != null && (duration.isNegative() || duration.isZero())) {
			throw new IllegalArgumentException(what + " must be positive, got " + duration);
		}
	}

	private static void requireNotNegative(String what, Duration duration) {
		if (duration != null && duration.isNegative()) {
			throw new IllegalArgumentException(what + " must not be negative, got " + duration);
		}
	}

}
