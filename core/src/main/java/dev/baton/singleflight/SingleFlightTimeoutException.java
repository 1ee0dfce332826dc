package dev.baton.singleflight;

import java.time.Duration;

/**
 * A caller waited its whole wait timeout for someone else's result (a leader in this JVM or on
 * another instance) and gave up. The leader goes on; a later call may find its result.
 */
public class SingleFlightTimeoutException extends SingleFlightException {

	public SingleFlightTimeoutException(String name, String key, Duration waited) {
		super("Flight " + name + " '" + key + "' had no result within " + waited.toMillis() + " ms", name, key,
				waited, null);
	}

}
