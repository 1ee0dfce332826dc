package dev.baton.ai;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * {@link AiGatewayMetrics} as Micrometer meters: {@code baton.ai.requests} (timer; tags
 * {@code model}, {@code outcome}), {@code baton.ai.retries}, {@code baton.ai.rate.limited},
 * {@code baton.ai.tokens} (tags {@code model}, {@code type} = prompt|completion),
 * {@code baton.ai.cluster.fallbacks}, {@code baton.ai.batch.results} (tag {@code outcome}),
 * and the gauges {@code baton.ai.inflight} and {@code baton.ai.batch.pending}. Each meter is
 * registered once per tag set, at its first use, and kept: a call costs a map lookup per meter.
 * {@code baton.ai.requests} stays a full {@link Timer} (with its max): a call takes milliseconds,
 * next to which its bookkeeping is nothing.
 */
public final class MicrometerAiGatewayMetrics implements AiGatewayMetrics {

	private final MeterRegistry registry;

	private final Map<String, Map<String, Timer>> requests = new ConcurrentHashMap<>();

	private final Map<String, Counter> retries = new ConcurrentHashMap<>();

	private final Map<String, Counter> rateLimited = new ConcurrentHashMap<>();

	private final Map<String, Counter[]> tokens = new ConcurrentHashMap<>();

	private final Map<String, Counter> batchResults = new ConcurrentHashMap<>();

	private final Counter clusterFallbacks;

	public MicrometerAiGatewayMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.clusterFallbacks = Counter.builder("baton.ai.cluster.fallbacks")
			.description("Cluster budget checks that fell back to local limits")
			.register(registry);
	}

	@Override
	public void requestCompleted(String model, String outcome, Duration duration) {
		cached(cached(this.requests, model, (m) -> new ConcurrentHashMap<>()), outcome,
				(o) -> Timer.builder("baton.ai.requests")
					.description("Calls to the AI gateway, retries included")
					.tags("model", model, "outcome", o)
					.register(this.registry))
			.record(duration);
	}

	@Override
	public void retried(String model) {
		cached(this.retries, model, (m) -> counter("baton.ai.retries", "Attempts that failed and were retried", "model", m))
			.increment();
	}

	@Override
	public void rateLimited(String model) {
		cached(this.rateLimited, model, (m) -> counter("baton.ai.rate.limited", "Upstream 429 answers", "model", m))
			.increment();
	}

	@Override
	public void tokens(String model, TokenUsage usage) {
		Counter[] counters = cached(this.tokens, model,
				(m) -> new Counter[] { counter("baton.ai.tokens", "Tokens billed", "model", m, "type", "prompt"),
						counter("baton.ai.tokens", "Tokens billed", "model", m, "type", "completion") });
		counters[0].increment(usage.promptTokens());
		counters[1].increment(usage.completionTokens());
	}

	@Override
	public void clusterFallback() {
		this.clusterFallbacks.increment();
	}

	@Override
	public void retryHintCapped(String model) {
		counter("baton.ai.retry.hints.capped", "Server retry hints longer than the maximum retry pause, capped to it",
				"model", model)
			.increment();
	}

	@Override
	public void batchResult(String outcome) {
		cached(this.batchResults, outcome,
				(o) -> counter("baton.ai.batch.results", "Results of chatAll batches", "outcome", o))
			.increment();
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

	private static <T> T cached(Map<String, T> meters, String tag, Function<String, T> register) {
		T meter = meters.get(tag);
		return (meter != null) ? meter : meters.computeIfAbsent(tag, register);
	}

	private Counter counter(String name, String description, String... tags) {
		return Counter.builder(name).description(description).tags(tags).register(this.registry);
	}

}
