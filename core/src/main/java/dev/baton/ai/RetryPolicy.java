package dev.baton.ai;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import dev.baton.InvalidSettingException;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.RetryConfig;

/**
 * Baton's default retry for upstream calls: exponential backoff with full jitter (a uniform
 * wait between zero and {@code min(maxBackoff, initialBackoff * 2^(attempt-1))}), never
 * sooner than the server's own hint, on 429, 500, 502, 503, 504 and
 * connect or read timeouts only (all of them {@link AiGatewayException#isRetryable()}).
 */
public final class RetryPolicy {

	private RetryPolicy() {
	}

	/**
	 * The resilience4j configuration of the {@code baton-ai} retry.
	 * @param maxAttempts attempts in total, the first included
	 * @param initialBackoff the upper bound of the first wait
	 * @param maxBackoff the largest upper bound of a wait (a server hint may exceed it)
	 */
	public static RetryConfig config(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
		if (maxAttempts < 1) {
			throw new InvalidSettingException("ai", "maxAttempts", "must be at least 1, got " + maxAttempts);
		}
		return RetryConfig.custom()
			.maxAttempts(maxAttempts)
			.retryOnException(RetryPolicy::isRetryable)
			.intervalBiFunction(fullJitter(initialBackoff, maxBackoff))
			.build();
	}

	/** Whether another attempt may succeed after this failure. */
	public static boolean isRetryable(Throwable failure) {
		return failure instanceof AiGatewayException upstream && upstream.isRetryable();
	}

	/**
	 * Exponential backoff with full jitter that never undercuts the server's hint
	 * ({@link AiGatewayException#getRetryAfter()}).
	 * @param initialBackoff the upper bound of the first wait
	 * @param maxBackoff the largest upper bound of a wait
	 */
	public static IntervalBiFunction<Object> fullJitter(Duration initialBackoff, Duration maxBackoff) {
		long initial = Math.max(1, initialBackoff.toMillis());
		long max = Math.max(initial, maxBackoff.toMillis());
		return (attempt, outcome) -> {
			int doublings = Math.min(Math.max(0, attempt - 1), 30);
			long ceiling = Math.min(max, initial << doublings);
			long wait = ThreadLocalRandom.current().nextLong(ceiling + 1);
			Duration hint = hint(outcome);
			return (hint != null) ? Math.max(wait, hint.toMillis()) : wait;
		};
	}

	private static Duration hint(Either<Throwable, Object> outcome) {
		return (outcome.isLeft() && outcome.getLeft() instanceof AiGatewayException upstream)
				? upstream.getRetryAfter() : null;
	}

}
