package dev.baton.ai;

import java.time.Duration;

/**
 * The budgets of a client.
 *
 * @param requestsPerPeriod requests allowed per period, 0 for no limit
 * @param tokensPerPeriod tokens allowed per period, 0 for no limit
 * @param period the window both budgets refer to (a minute, except in tests)
 * @param maxWait the longest a call waits for room before failing
 * @param redisTimeout how long a cluster budget waits for Redis before falling back
 */
record QuotaSettings(long requestsPerPeriod, long tokensPerPeriod, Duration period, Duration maxWait,
		Duration redisTimeout) {

	/**
	 * The spacing of requests in the cluster: the period over the budget, plus half a spacing
	 * spread over the period, so that network jitter never lets a server that counts with its
	 * own clock see one request more than the budget in a window.
	 */
	double requestIntervalMillis() {
		if (this.requestsPerPeriod == 0) {
			return 0;
		}
		double base = (double) this.period.toNanos() / 1_000_000 / this.requestsPerPeriod;
		return base + base / (2.0 * this.requestsPerPeriod);
	}

	double tokenIntervalMillis() {
		return (this.tokensPerPeriod == 0) ? 0 : (double) this.period.toNanos() / 1_000_000 / this.tokensPerPeriod;
	}

}
