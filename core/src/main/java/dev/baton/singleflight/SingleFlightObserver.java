package dev.baton.singleflight;

import dev.baton.Observed;

/**
 * Hears how single-flight calls ended; the Micrometer binding implements it. Called on hot
 * paths: implementations must be quick and must not throw.
 */
public interface SingleFlightObserver {

	/** Observes nothing. */
	SingleFlightObserver NONE = new SingleFlightObserver() {
	};

	/**
	 * A call missed this JVM's cache and goes to its flight (and Redis): what observes it until
	 * it returns or throws, ended with the lower-case {@link Outcome} (or {@code cancelled}).
	 * Cache hits are not observed: they are the hot path.
	 * @param name the flight's name
	 * @param key the caller's key, for observers that show it
	 * @return {@link Observed#NONE} by default
	 */
	default Observed started(String name, String key) {
		return Observed.NONE;
	}

	/**
	 * A call returned or threw.
	 * @param name the flight's name (never its key)
	 * @param outcome how it got its result
	 * @param waitedNanos how long it waited for a result computed by someone else, or
	 * {@code -1} when it did not wait (a cache hit, or it computed the result itself)
	 */
	default void called(String name, Outcome outcome, long waitedNanos) {
	}

	/**
	 * This JVM ran a flight's loader.
	 * @param name the flight's name
	 */
	default void executed(String name) {
	}

	/**
	 * A stored result could not be read back (corrupt, or written by another version of its
	 * class) and was treated as a miss.
	 * @param name the flight's name
	 */
	default void unreadable(String name) {
	}

	/** How a call got its result. */
	enum Outcome {

		/** From this JVM's cache. */
		L1_HIT,

		/** From a flight already running in this JVM. */
		COALESCED,

		/** From the result stored in Redis. */
		L2_HIT,

		/** This caller ran the loader. */
		LEADER,

		/** From a leader on another instance, after waiting for it. */
		FOLLOWER,

		/**
		 * Redis could not be reached and the flight runs locally on store failure: from a loader run
		 * in this JVM without Redis.
		 */
		DEGRADED,

		/** The call failed: the loader's exception, the leader's, or Redis's. */
		ERROR,

		/** No result within the wait timeout. */
		TIMEOUT

	}

}
