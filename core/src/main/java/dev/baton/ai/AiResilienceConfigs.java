package dev.baton.ai;

import java.time.Duration;

import dev.baton.InvalidSettingException;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;

/**
 * Baton's defaults for the resilience4j instances named {@value #INSTANCE}; the retry's are
 * in {@link RetryPolicy}.
 */
public final class AiResilienceConfigs {

	/** The name of every resilience4j instance the client uses. */
	public static final String INSTANCE = "baton-ai";

	private static final long SLICE_NANOS = Duration.ofMillis(100).toNanos();

	private AiResilienceConfigs() {
	}

	/** At most {@code maxConcurrency} calls in flight; a call waits up to {@code maxWait} for a slot. */
	public static BulkheadConfig bulkhead(int maxConcurrency, Duration maxWait) {
		if (maxConcurrency < 1) {
			throw new InvalidSettingException("ai", "maxConcurrency", "must be at least 1, got " + maxConcurrency);
		}
		return BulkheadConfig.custom().maxConcurrentCalls(maxConcurrency).maxWaitDuration(maxWait).build();
	}

	/**
	 * {@code requestsPerPeriod} requests per {@code period}, spread over slices of about 100 ms
	 * rather than granted all at the start of the period, so that a server which also counts
	 * per second never sees the whole minute's budget in one burst.
	 */
	public static RateLimiterConfig rateLimiter(long requestsPerPeriod, Duration period, Duration maxWait) {
		if (requestsPerPeriod < 1) {
			throw new InvalidSettingException("ai", "requestsPerPeriod", "must be at least 1, got " + requestsPerPeriod);
		}
		long slices = Math.max(1, period.toNanos() / SLICE_NANOS);
		long perSlice = (requestsPerPeriod + slices - 1) / slices;
		Duration refresh = Duration.ofNanos(period.toNanos() / requestsPerPeriod * perSlice);
		return RateLimiterConfig.custom()
			.limitForPeriod((int) perSlice)
			.limitRefreshPeriod(refresh)
			.timeoutDuration(maxWait)
			.build();
	}

	/** Each attempt gets {@code responseTimeout} to answer. */
	public static TimeLimiterConfig timeLimiter(Duration responseTimeout) {
		return TimeLimiterConfig.custom().timeoutDuration(responseTimeout).cancelRunningFuture(true).build();
	}

}
