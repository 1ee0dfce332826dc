package dev.baton.ai;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.baton.redis.LuaScript;
import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.StoredFormat;
import dev.baton.redis.StoredFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.lang.Nullable;

/**
 * Request and token budgets shared by every instance through one atomic Redis script
 * ({@code ai-quota.lua}). When Redis does not answer, the call falls back to this JVM's
 * {@link LocalQuota} rather than stop: a warning is logged once per outage and
 * {@link AiGatewayMetrics#clusterFallback()} counts every fallback. Budgets kept in a later
 * format than this instance reads are not a Redis failure and not an empty budget: admitting
 * fails with a {@link StoredFormatException} (no local fallback, which would spend past the
 * cluster's budget), and settling or pausing leaves them as they are (a warning once).
 */
final class ClusterQuota implements Quota {

	private static final Logger logger = LoggerFactory.getLogger(ClusterQuota.class);

	/**
	 * Read once, at class load (never file I/O on an event loop); Spring Data Redis runs it by
	 * EVALSHA and falls back to EVAL when Redis lacks it.
	 */
	static final RedisScript<Long> SCRIPT = RedisScript
		.of(LuaScript.read(StoredFormat.LIBRARY) + "\n" + LuaScript.read("dev/baton/ai/ai-quota.lua"), Long.class);

	private static final String BUDGETS = "The cluster-wide AI budget";

	/** Reads what {@link #SCRIPT} keeps, changing nothing. */
	@SuppressWarnings("rawtypes")
	static final RedisScript<List> READ_SCRIPT = RedisScript.of(LuaScript.read("dev/baton/ai/ai-quota-read.lua"),
			List.class);

	private final ReactiveStringRedisTemplate redis;

	private final List<String> keys;

	private final QuotaSettings settings;

	private final String requestIntervalMs;

	private final String tokenIntervalMs;

	private final long tokenCapacity;

	private final Duration maxWait;

	private final Duration redisTimeout;

	private final LocalQuota fallback;

	private final AiGatewayMetrics metrics;

	private final AtomicBoolean degraded = new AtomicBoolean();

	private final AtomicBoolean laterFormatReported = new AtomicBoolean();

	ClusterQuota(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace, QuotaSettings settings,
			LocalQuota fallback, AiGatewayMetrics metrics) {
		this.redis = redis;
		this.keys = List.of(keyspace.key("ai", "limits", "requests"), keyspace.key("ai", "limits", "tokens"),
				keyspace.key("ai", "limits", "pause"));
		this.settings = settings;
		this.requestIntervalMs = Double.toString(settings.requestIntervalMillis());
		this.tokenIntervalMs = Double.toString(settings.tokenIntervalMillis());
		this.tokenCapacity = settings.tokensPerPeriod();
		this.maxWait = settings.maxWait();
		this.redisTimeout = settings.redisTimeout();
		this.fallback = fallback;
		this.metrics = metrics;
	}

	@Override
	public Mono<Void> admit(long tokens) {
		return run("admit", this.requestIntervalMs, this.tokenIntervalMs, Long.toString(tokens),
				Long.toString(this.tokenCapacity), Long.toString(this.maxWait.toMillis()))
			.flatMap((wait) -> {
				if (wait < 0) {
					return Mono.error(new QuotaTimeoutException("cluster", this.maxWait));
				}
				return (wait > 0) ? Mono.delay(Duration.ofMillis(wait)).then() : Mono.<Void>empty();
			})
			.onErrorResume(this::isRedisFailure, (ex) -> fallBack(ex).then(this.fallback.admit(tokens)));
	}

	@Override
	public Mono<Void> settle(long tokenDelta) {
		if (tokenDelta == 0 || this.tokenCapacity == 0) {
			return Mono.empty();
		}
		return run("settle", this.tokenIntervalMs, Long.toString(tokenDelta)).then()
			.onErrorResume(StoredFormatException.class, this::leftAlone)
			.onErrorResume(this::isRedisFailure, (ex) -> fallBack(ex).then(this.fallback.settle(tokenDelta)));
	}

	@Override
	public Mono<Void> pause(Duration delay) {
		// The local pause always applies: it also covers the calls that fall back while Redis is away.
		return this.fallback.pause(delay)
			.then(run("pause", Long.toString(delay.toMillis())).then())
			.onErrorResume(StoredFormatException.class, this::leftAlone)
			.onErrorResume(this::isRedisFailure, this::fallBack);
	}

	/**
	 * The budgets as Redis holds them, read by a read-only script; this JVM's fallback share
	 * when Redis does not answer.
	 */
	@Override
	public Mono<AiBudgets> budgets(AiBudgets.Calls calls) {
		return this.redis.execute(READ_SCRIPT, this.keys, List.of())
			.next()
			.timeout(this.redisTimeout)
			.map((figures) -> budgets(ClusterFigures.of(figures), calls))
			.onErrorResume((ex) -> Mono.just(this.fallback.budgets(AiBudgets.Scope.LOCAL_FALLBACK, calls)));
	}

	private AiBudgets budgets(ClusterFigures figures, AiBudgets.Calls calls) {
		Duration window = this.settings.period();
		AiBudgets.Budget requests = (this.settings.requestsPerPeriod() == 0) ? null
				: new AiBudgets.Budget(this.settings.requestsPerPeriod(), figures.left(figures.requestTat(),
						this.settings.requestsPerPeriod(), this.settings.requestIntervalMillis()), window);
		AiBudgets.Budget tokens = (this.settings.tokensPerPeriod() == 0) ? null
				: new AiBudgets.Budget(this.settings.tokensPerPeriod(), figures.left(figures.tokenTat(),
						this.settings.tokensPerPeriod(), this.settings.tokenIntervalMillis()), window);
		return new AiBudgets(AiBudgets.Scope.CLUSTER, requests, tokens, figures.pausedUntil(), calls);
	}

	private Mono<Long> run(String mode, String... args) {
		String[] argv = new String[args.length + 1];
		argv[0] = mode;
		System.arraycopy(args, 0, argv, 1, args.length);
		return this.redis.execute(SCRIPT, this.keys, List.of(argv))
			.next()
			.timeout(this.redisTimeout)
			.onErrorMap((ex) -> StoredFormat.reportedBy(ex) != null,
					(ex) -> new StoredFormatException(BUDGETS, StoredFormat.reportedBy(ex)))
			.doOnNext((ignored) -> restored());
	}

	/**
	 * What {@link #READ_SCRIPT} answered, in milliseconds since the epoch by Redis's clock
	 * ({@code 0} for a key that is absent).
	 */
	record ClusterFigures(double now, double requestTat, double tokenTat, double pause) {

		static ClusterFigures of(List<?> figures) {
			return new ClusterFigures(number(figures.get(0)), number(figures.get(1)), number(figures.get(2)),
					number(figures.get(3)));
		}

		private static double number(Object text) {
			String value = String.valueOf(text);
			return value.isEmpty() ? 0 : Double.parseDouble(value);
		}

		/** The limit less what the theoretical arrival time {@code tat} books ahead of now. */
		long left(double tat, long limit, double intervalMillis) {
			double booked = Math.max(0, tat - this.now) / intervalMillis;
			return Math.max(0, limit - (long) Math.ceil(booked));
		}

		@Nullable
		Instant pausedUntil() {
			return (this.pause > this.now) ? Instant.ofEpochMilli((long) Math.ceil(this.pause)) : null;
		}

	}

	private boolean isRedisFailure(Throwable ex) {
		return !(ex instanceof QuotaTimeoutException) && !(ex instanceof StoredFormatException);
	}

	/** A correction the budgets of a later format did not take: they were not touched. */
	private Mono<Void> leftAlone(StoredFormatException ex) {
		if (this.laterFormatReported.compareAndSet(false, true)) {
			logger.warn("{}; corrections to them are dropped", ex.getMessage());
		}
		return Mono.empty();
	}

	private Mono<Void> fallBack(Throwable ex) {
		this.metrics.clusterFallback();
		if (this.degraded.compareAndSet(false, true)) {
			logger.warn("Redis did not answer for the cluster-wide AI budgets; using this instance's local limits "
					+ "until it does ({})", ex.toString());
		}
		return Mono.empty();
	}

	private void restored() {
		if (this.degraded.compareAndSet(true, false)) {
			logger.info("Redis answers again; cluster-wide AI budgets restored");
		}
	}

}
