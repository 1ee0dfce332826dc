package dev.baton.ai;

import java.time.Duration;
import java.util.function.IntSupplier;

import dev.baton.Observed;

/**
 * What the client reports as it works. {@link #NONE} reports nothing;
 * {@link MicrometerAiGatewayMetrics} turns it into {@code baton.ai.*} meters.
 */
public interface AiGatewayMetrics {

	/** Reports nothing. */
	AiGatewayMetrics NONE = new AiGatewayMetrics() {
	};

	/**
	 * A call begins (before its waits and retries): what observes it until it ends, with
	 * {@code success} or the failure's kind, and its token usage as details.
	 * @return {@link Observed#NONE} by default
	 */
	default Observed requestStarted(String model, String operation) {
		return Observed.NONE;
	}

	/** A call ended (after its retries): {@code outcome} is {@code success} or the failure's kind. */
	default void requestCompleted(String model, String outcome, Duration duration) {
	}

	/** An attempt failed and another one follows. */
	default void retried(String model) {
	}

	/** The server answered 429. */
	default void rateLimited(String model) {
	}

	/** Tokens billed by a successful call. */
	default void tokens(String model, TokenUsage usage) {
	}

	/** A server's retry hint was longer than the maximum retry pause and was capped to it. */
	default void retryHintCapped(String model) {
	}

	/** A cluster budget fell back to local limits because Redis did not answer. */
	default void clusterFallback() {
	}

	/** One result of a batch is in: {@code outcome} is {@code success} or {@code failure}. */
	default void batchResult(String outcome) {
	}

	/** Binds the gauges: calls in flight now, and batch results still to come. */
	default void bindGauges(IntSupplier inFlight, IntSupplier batchPending) {
	}

}
