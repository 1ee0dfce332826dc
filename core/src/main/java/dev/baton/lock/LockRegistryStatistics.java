package dev.baton.lock;

/** What a registry counts about its holds, for metrics. */
public interface LockRegistryStatistics {

	/** Holds this JVM has right now. */
	int activeHolds();

	/** Lease renewals done by the watchdog so far. */
	long renewals();

	/** Holds found lost (lease expired or taken over before release) so far. */
	long losses();

}
