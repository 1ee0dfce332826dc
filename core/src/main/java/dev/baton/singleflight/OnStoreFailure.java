package dev.baton.singleflight;

/**
 * What a flight does when Redis cannot be reached (an error, or no answer within the store
 * timeout). Either way the wait is paid once per outage: after a failure, calls skip Redis
 * until the store retry interval has passed, and then one call tries it again.
 */
public enum OnStoreFailure {

	/** The {@link SingleFlight}'s default (on an annotation or in {@link FlightOptions}). */
	DEFAULT,

	/** The call fails with a {@link SingleFlightException} whose {@link SingleFlightException#isStoreFailure()} is true. */
	FAIL,

	/**
	 * The loader runs in this JVM, coalesced with this JVM's concurrent callers of the key only;
	 * the result is neither stored nor kept in the local cache, and the call is counted as
	 * {@link SingleFlightObserver.Outcome#DEGRADED}.
	 */
	RUN_LOCALLY

}
