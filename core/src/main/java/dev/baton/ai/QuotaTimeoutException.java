package dev.baton.ai;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** The budget has no room for a request within the longest acceptable wait. */
final class QuotaTimeoutException extends TimeoutException {

	QuotaTimeoutException(String which, Duration maxWait) {
		super("The " + which + " budget (requestsPerPeriod / tokensPerPeriod) has no room within "
				+ maxWait + " (acquireTimeout)");
	}

}
