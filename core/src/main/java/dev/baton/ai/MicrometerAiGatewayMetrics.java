package dev.baton.ai;

import java.time.Duration;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@link AiGatewayMetrics} as Micrometer meters: {@code baton.ai.requests} (timer; tags
 * {@code model}, {@code outcome}), {@code baton.ai.retries}, {@code baton.ai.rate_limited},
 * {@code baton.ai.tokens} (tags {@code model}, {@code type} = prompt|completion),
 * {@code baton.ai.cluster_fallbacks}, {@code baton.ai.batch.results} (tag {@code outcome}),
 * and the gauges {@code baton.ai.inflight} and {@code baton.ai.batch.pending}.
 */
public final class MicrometerAiGatewayMetrics implements AiGatewayMetrics {

	private final MeterRegistry registry;

	public MicrometerAiGatewayMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void requestCompleted(String model, String outcome, Duration duration) {
		Timer.builder("baton.ai.requests")
			.description("Calls to the AI gateway, retries included")
			.tags("model", model, "outcome", outcome)
			.register(this.registry)
			.record(duration);
	}

	@Override
	public void retried(String model) {
		counter("baton.ai.retries", "Attempts that failed and were retried", "model", model).increment();
	}

	@Override
	public void rateLimited(String model) {
		counter("baton.ai.rate_limited", "Upstream 429 answers", "model", model).increment();
	}

	@Override
	public void tokens(String model, TokenUsage usage) {
		counter("baton.ai.tokens", "Tokens billed", "model", model, "type", "prompt").increment(usage.promptTokens());
		counter("baton.ai.tokens", "Tokens billed", "model", model, "type", "completion")
			.increment(usage.completionTokens());
	}

	@Override
	public void clusterFallback() {
		counter("baton.ai.cluster_fallbacks", "Cluster budget checks that fell back to local limits").increment();
	}

	@Override
	public void retryHintCapped(String model) {
		counter("baton.ai.retry_hints_capped", "Server retry hints longer than the maximum retry pause, capped to it",
				"model", model)
			.increment();
	}

	@Override
	public void batchResult(String outcome) {
		counter("baton.ai.batch.results", "Results of chatAll batches", "outcome", outcome).increment();
	}

	@Override
	public void bindGauges(IntSupplier inFlight, IntSupplier batchPending) {
		Gauge.builder("baton.ai.inflight", inFlight::getAsInt)
			.description("AI gateway calls in flight")
			.register(this.registry);
		Gauge.builder("baton.ai.batch.pending", batchPending::getAsInt)
			.description("chatAll results still to come")
			.register(this.registry);
	}

	private Counter counter(String name, String description, String... tags) {
		return Counter.builder(name).description(description).tags(tags).register(this.registry);
	}

}
