package dev.baton.singleflight;

import java.time.Duration;

/**
 * A caller waited its whole wait timeout for someone else's result (a leader in this JVM or on
 * another instance) and gave up: the leader goes on, and a later call may find its result. Also
 * thrown to every caller of a flight whose loader ran longer than its {@code maxFlightTime}: that
 * flight was abandoned, and the next call runs the loader again.
 */
public class SingleFlightTimeoutException extends SingleFlightException {

	public SingleFlightTimeoutException(String name, String key, Duration waited) {
		this("Flight " + name + " '" + key + "' had no result within " + waited.toMillis() + " ms", name, key,
				waited);
	}

	SingleFlightTimeoutException(String message, String name, String key, Duration waited) {
		super(message, name, key, waited, null);
	}

}
