package dev.baton.singleflight;

import java.time.Duration;


/**
 * One call, with its options resolved against the {@link SingleFlight}'s defaults.
 * @param key the caller's key
 * @param storeKey the key in Redis and in this JVM's maps, scoped by the flight's name
 * @param maxFlightTime longest the loader may run when this call leads
 * @param onStoreFailure {@link OnStoreFailure#FAIL} or {@link OnStoreFailure#RUN_LOCALLY}
 * @param startNanos when the call began ({@link System#nanoTime()})
 */
record FlightCall(String key, String storeKey, String name, ValueCodec.ValueType type, Duration ttl, Duration localTtl,
		Duration waitTimeout, boolean cacheNulls, Duration errorTtl, Duration maxFlightTime,
		OnStoreFailure onStoreFailure, long startNanos) {

	/** How long the caller has waited so far. */
	Duration waited() {
		return Duration.ofNanos(System.nanoTime() - this.startNanos);
	}

	/** How much of the wait timeout is left, in nanoseconds (negative once it has passed). */
	long remainingNanos() {
		return this.waitTimeout.toNanos() - (System.nanoTime() - this.startNanos);
	}

	SingleFlightTimeoutException timeout() {
		return new SingleFlightTimeoutException(this.name, this.key, this.waitTimeout);
	}

	/** The flight's loader ran past {@link #maxFlightTime()} and was given up. */
	SingleFlightTimeoutException abandoned() {
		return new SingleFlightTimeoutException("Flight " + this.name + " '" + this.key + "' ran longer than its "
				+ "maxFlightTime of " + this.maxFlightTime.toMillis() + " ms and was abandoned; the key is free again",
				this.name, this.key, waited());
	}

}
