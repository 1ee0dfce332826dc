package dev.baton.ai;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.baton.redis.RedisKeyspace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.lang.Nullable;

/**
 * Exact token accounting: what every successful call was billed, per model, in this JVM and
 * (with Redis) for the whole cluster in one hash, {@code <prefix>:ai:{usage}}, whose fields
 * are {@code <model>:prompt} and {@code <model>:completion}, each incremented by
 * {@code HINCRBY}. Only the attempt that succeeded is recorded, so a retried call is billed
 * once; adders and {@code HINCRBY} keep totals exact under any concurrency.
 */
public final class UsageLedger {

	private static final Logger logger = LoggerFactory.getLogger(UsageLedger.class);

	private final Map<String, LongAdder[]> local = new ConcurrentHashMap<>();

	private final AiGatewayMetrics metrics;

	@Nullable
	private final ReactiveStringRedisTemplate redis;

	@Nullable
	private final String clusterKey;

	private final Duration redisTimeout;

	/** A ledger of this JVM only. */
	public UsageLedger(AiGatewayMetrics metrics) {
		this(metrics, null, null, Duration.ZERO);
	}

	/** A ledger that also adds to the cluster totals in Redis. */
	public UsageLedger(AiGatewayMetrics metrics, @Nullable ReactiveStringRedisTemplate redis,
			@Nullable RedisKeyspace keyspace, Duration redisTimeout) {
		this.metrics = metrics;
		this.redis = redis;
		this.clusterKey = (redis != null && keyspace != null) ? keyspace.key("ai", "usage") : null;
		this.redisTimeout = redisTimeout;
	}

	/**
	 * Adds one call's usage. The returned publisher completes once the cluster totals have it
	 * too; a Redis failure is logged at DEBUG and does not fail the call.
	 */
	public Mono<Void> record(String model, TokenUsage usage) {
		LongAdder[] adders = this.local.computeIfAbsent(model, (m) -> new LongAdder[] { new LongAdder(), new LongAdder() });
		adders[0].add(usage.promptTokens());
		adders[1].add(usage.completionTokens());
		this.metrics.tokens(model, usage);
		if (this.redis == null) {
			return Mono.empty();
		}
		// Both in flight at once: one round trip, each HINCRBY atomic on its own.
		return Mono.when(this.redis.opsForHash().increment(this.clusterKey, model + ":prompt", usage.promptTokens()),
				this.redis.opsForHash().increment(this.clusterKey, model + ":completion", usage.completionTokens()))
			.timeout(this.redisTimeout)
			.doOnError((ex) -> logger.debug("Could not add token usage to the cluster totals", ex))
			.onErrorComplete()
			.then();
	}

	/** Tokens billed in this JVM, per model (total tokens = prompt + completion). */
	public Map<String, TokenUsage> totals() {
		Map<String, TokenUsage> totals = new TreeMap<>();
		this.local.forEach((model, adders) -> {
			long prompt = adders[0].sum();
			long completion = adders[1].sum();
			totals.put(model, new TokenUsage(prompt, completion, prompt + completion));
		});
		return totals;
	}

	/**
	 * Tokens billed by the whole cluster, per model, from Redis; empty without Redis.
	 */
	public Mono<Map<String, TokenUsage>> clusterTotals() {
		if (this.redis == null) {
			return Mono.just(Map.of());
		}
		return this.redis.<String, String>opsForHash().entries(this.clusterKey).collectList().map((entries) -> {
			Map<String, long[]> sums = new TreeMap<>();
			entries.forEach((entry) -> {
				int colon = entry.getKey().lastIndexOf(':');
				long[] sum = sums.computeIfAbsent(entry.getKey().substring(0, colon), (m) -> new long[2]);
				sum[entry.getKey().endsWith(":prompt") ? 0 : 1] += Long.parseLong(entry.getValue());
			});
			Map<String, TokenUsage> totals = new TreeMap<>();
			sums.forEach((model, sum) -> totals.put(model, new TokenUsage(sum[0], sum[1], sum[0] + sum[1])));
			return totals;
		});
	}

}
