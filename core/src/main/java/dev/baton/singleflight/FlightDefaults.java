package dev.baton.singleflight;

import java.time.Duration;

/** What a {@link SingleFlight} uses when a call's {@link FlightOptions} leave a setting unset, and its own settings. */
record FlightDefaults(Duration ttl, Duration localTtl, Duration waitTimeout, boolean cacheNulls, Duration errorTtl,
		Duration leaseTime, Duration storeTimeout, boolean followersRetryOnError, Duration maxFlightTime,
		OnStoreFailure onStoreFailure, Duration storeRetryInterval) {

}
