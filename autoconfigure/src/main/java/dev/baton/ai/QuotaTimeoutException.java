package dev.baton.ai;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** The budget has no room for a request within the longest acceptable wait. */
final class QuotaTimeoutException extends TimeoutException {

	QuotaTimeoutException(String which, Duration maxWait) {
		super("The " + which + " budget (baton.ai.requests-per-minute / tokens-per-minute) has no room within "
				+ maxWait + " (baton.ai.acquire-timeout)");
	}

}
