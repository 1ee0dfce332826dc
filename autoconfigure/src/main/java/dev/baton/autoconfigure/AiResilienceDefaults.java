package dev.baton.autoconfigure;

import java.util.Arrays;

import dev.baton.ai.AiResilienceConfigs;
import dev.baton.ai.RetryPolicy;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.common.bulkhead.configuration.BulkheadConfigCustomizer;
import io.github.resilience4j.common.ratelimiter.configuration.RateLimiterConfigCustomizer;
import io.github.resilience4j.common.retry.configuration.RetryConfigCustomizer;
import io.github.resilience4j.common.timelimiter.configuration.TimeLimiterConfigCustomizer;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Baton's values for a {@code baton-ai} instance that the user declared under
 * {@code resilience4j.*.instances.baton-ai}: resilience4j applies these customizers after the
 * user's properties, so each one fills in only what the user left unset (in the instance or
 * in {@code configs.default}). An undeclared instance is created with Baton's values whole
 * (see {@link AiResilienceInstances}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(BulkheadConfigCustomizer.class)
class AiResilienceDefaults {

	private static final String NAME = AiResilienceConfigs.INSTANCE;

	@Bean
	BulkheadConfigCustomizer batonAiBulkheadDefaults(AiProperties properties, Environment environment) {
		UserSettings user = new UserSettings(environment, "bulkhead");
		BulkheadConfig baton = AiResilienceConfigs.bulkhead(properties.getMaxConcurrency(),
				properties.getAcquireTimeout());
		return BulkheadConfigCustomizer.of(NAME, (builder) -> {
			if (!user.set("max-concurrent-calls")) {
				builder.maxConcurrentCalls(baton.getMaxConcurrentCalls());
			}
			if (!user.set("max-wait-duration")) {
				builder.maxWaitDuration(baton.getMaxWaitDuration());
			}
		});
	}

	@Bean
	RateLimiterConfigCustomizer batonAiRateLimiterDefaults(AiProperties properties, Environment environment) {
		UserSettings user = new UserSettings(environment, "ratelimiter");
		return RateLimiterConfigCustomizer.of(NAME, (builder) -> {
			if (properties.getRequestsPerMinute() > 0 && !user.set("limit-for-period", "limit-refresh-period")) {
				RateLimiterConfig baton = AiResilienceConfigs.rateLimiter(properties.getRequestsPerMinute(),
						properties.getRateLimitPeriod(), properties.getAcquireTimeout());
				builder.limitForPeriod(baton.getLimitForPeriod()).limitRefreshPeriod(baton.getLimitRefreshPeriod());
			}
			if (!user.set("timeout-duration")) {
				builder.timeoutDuration(properties.getAcquireTimeout());
			}
		});
	}

	@Bean
	RetryConfigCustomizer batonAiRetryDefaults(AiProperties properties, Environment environment) {
		UserSettings user = new UserSettings(environment, "retry");
		return RetryConfigCustomizer.of(NAME, (builder) -> {
			if (!user.set("max-attempts")) {
				builder.maxAttempts(properties.getMaxAttempts());
			}
			if (!user.set("retry-exceptions", "ignore-exceptions", "retry-exception-predicate")) {
				// The customizer's builder is raw, hence the cast.
				builder.retryOnException((failure) -> RetryPolicy.isRetryable((Throwable) failure));
			}
			if (!user.set("wait-duration", "interval-bi-function")) {
				builder.intervalBiFunction(
						RetryPolicy.fullJitter(properties.getInitialBackoff(), properties.getMaxBackoff()));
			}
		});
	}

	@Bean
	TimeLimiterConfigCustomizer batonAiTimeLimiterDefaults(AiProperties properties, Environment environment) {
		UserSettings user = new UserSettings(environment, "timelimiter");
		return TimeLimiterConfigCustomizer.of(NAME, (builder) -> {
			if (!user.set("timeout-duration")) {
				builder.timeoutDuration(properties.getResponseTimeout());
			}
		});
	}

	/** Which {@code resilience4j.<kind>} properties of the instance the user set. */
	private static final class UserSettings {

		private final Binder binder;

		private final String kind;

		UserSettings(Environment environment, String kind) {
			this.binder = Binder.get(environment);
			this.kind = kind;
		}

		boolean set(String... properties) {
			return Arrays.stream(properties)
				.anyMatch((property) -> bound("instances." + NAME + "." + property)
						|| bound("configs.default." + property));
		}

		private boolean bound(String path) {
			return this.binder.bind("resilience4j." + this.kind + "." + path, Bindable.of(String.class)).isBound()
					|| this.binder.bind("resilience4j." + this.kind + "." + path, Bindable.of(String[].class)).isBound();
		}

	}

}
