package dev.baton.autoconfigure;

import dev.baton.ai.AiGatewayClientBuilder;
import dev.baton.ai.AiResilienceConfigs;
import dev.baton.ai.RetryPolicy;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;

import org.springframework.lang.Nullable;

/**
 * Takes the {@code baton-ai} instances from the application's resilience4j registries: one
 * declared under {@code resilience4j.*.instances.baton-ai} already exists (with Baton's values
 * for what the user left unset, see {@link AiResilienceDefaults}); otherwise the registry
 * creates it with Baton's values, so it shows in resilience4j's own metrics and actuator
 * endpoints. Without a registry the client builder creates private instances.
 */
final class AiResilienceInstances {

	private static final String NAME = AiResilienceConfigs.INSTANCE;

	private final AiProperties properties;

	AiResilienceInstances(AiProperties properties) {
		this.properties = properties;
	}

	void apply(AiGatewayClientBuilder builder, @Nullable BulkheadRegistry bulkheads,
			@Nullable RateLimiterRegistry rateLimiters, @Nullable RetryRegistry retries,
			@Nullable TimeLimiterRegistry timeLimiters) {
		if (bulkheads != null) {
			BulkheadConfig defaults = AiResilienceConfigs.bulkhead(this.properties.getMaxConcurrency(),
					this.properties.getAcquireTimeout());
			builder.bulkhead(bulkheads.bulkhead(NAME, defaults));
		}
		if (rateLimiters != null) {
			// No requests-per-minute means no limiter, unless the user configured one by name.
			builder.rateLimiter((this.properties.getRequestsPerMinute() > 0) ? rateLimiters.rateLimiter(NAME,
					AiResilienceConfigs.rateLimiter(this.properties.getRequestsPerMinute(),
							this.properties.getRateLimitPeriod(), this.properties.getAcquireTimeout()))
					: rateLimiters.find(NAME).orElse(null));
		}
		if (retries != null) {
			builder.retry(retries.retry(NAME, RetryPolicy.config(this.properties.getMaxAttempts(),
					this.properties.getInitialBackoff(), this.properties.getMaxBackoff())));
		}
		if (timeLimiters != null) {
			builder.timeLimiter(timeLimiters.timeLimiter(NAME,
					AiResilienceConfigs.timeLimiter(this.properties.getResponseTimeout())));
		}
	}

}
