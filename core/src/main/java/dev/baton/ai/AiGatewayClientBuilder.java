package dev.baton.ai;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

import dev.baton.InvalidSettingException;
import dev.baton.json.JsonCodec;
import dev.baton.redis.RedisKeyspace;
import dev.baton.singleflight.SingleFlight;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.lang.Nullable;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Builds an {@link AiGatewayClient}. Only {@link #baseUrl} is required; every resilience4j
 * instance not given is created from the numbers given here (see
 * {@link AiResilienceConfigs} and {@link RetryPolicy}).
 */
public final class AiGatewayClientBuilder {

	private String baseUrl;

	private String apiKey;

	private String model = "gpt-4o-mini";

	private WebClient.Builder webClient = WebClient.builder();

	private JsonCodec json;

	private Duration connectTimeout = Duration.ofSeconds(5);

	private Duration responseTimeout = Duration.ofSeconds(60);

	private int maxConcurrency = 16;

	private long requestsPerPeriod;

	private long tokensPerPeriod;

	private Duration rateLimitPeriod = Duration.ofMinutes(1);

	private Duration acquireTimeout = Duration.ofMinutes(1);

	private int maxAttempts = 5;

	private Duration initialBackoff = Duration.ofMillis(500);

	private Duration maxBackoff = Duration.ofSeconds(30);

	private Duration totalTimeout = Duration.ofMinutes(5);

	private int assumedCompletionTokens = 1024;

	private boolean dedupe;

	@Nullable
	private SingleFlight singleFlight;

	private Bulkhead bulkhead;

	private RateLimiter rateLimiter;

	private Retry retry;

	private TimeLimiter timeLimiter;

	private AiGatewayMetrics metrics = AiGatewayMetrics.NONE;

	private ReactiveStringRedisTemplate redis;

	private RedisKeyspace keyspace = new RedisKeyspace("baton");

	private boolean clusterLimits;

	private Duration redisTimeout = Duration.ofSeconds(1);

	private Duration maxRetryPause = Duration.ofMinutes(1);

	private double clusterFallbackShare = 0.5;

	AiGatewayClientBuilder() {
	}

	/** The API root, including the version path: {@code https://api.openai.com/v1}. */
	public AiGatewayClientBuilder baseUrl(String baseUrl) {
		this.baseUrl = baseUrl;
		return this;
	}

	/** Sent as {@code Authorization: Bearer <key>}; never logged. */
	public AiGatewayClientBuilder apiKey(@Nullable String apiKey) {
		this.apiKey = apiKey;
		return this;
	}

	/** The model of requests that name none. */
	public AiGatewayClientBuilder model(String model) {
		this.model = model;
		return this;
	}

	/** The WebClient builder to start from (Spring's carries codecs and observation). */
	public AiGatewayClientBuilder webClientBuilder(WebClient.Builder webClient) {
		this.webClient = webClient;
		return this;
	}

	/**
	 * JSON of requests and responses: the application's mapper (Jackson 3 or 2); default:
	 * {@link JsonCodec#standard()}.
	 */
	public AiGatewayClientBuilder json(JsonCodec json) {
		this.json = json;
		return this;
	}

	public AiGatewayClientBuilder connectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
		return this;
	}

	/** How long one attempt may take to answer (the default time limiter's timeout). */
	public AiGatewayClientBuilder responseTimeout(Duration responseTimeout) {
		this.responseTimeout = responseTimeout;
		return this;
	}

	/** Calls in flight at once (the default bulkhead's size). */
	public AiGatewayClientBuilder maxConcurrency(int maxConcurrency) {
		this.maxConcurrency = maxConcurrency;
		return this;
	}

	/** Requests per {@link #rateLimitPeriod}; 0 for no limit. */
	public AiGatewayClientBuilder requestsPerPeriod(long requestsPerPeriod) {
		this.requestsPerPeriod = requestsPerPeriod;
		return this;
	}

	/** Tokens (prompt + completion) per {@link #rateLimitPeriod}; 0 for no limit. */
	public AiGatewayClientBuilder tokensPerPeriod(long tokensPerPeriod) {
		this.tokensPerPeriod = tokensPerPeriod;
		return this;
	}

	/** The window of both budgets: one minute, except in tests. */
	public AiGatewayClientBuilder rateLimitPeriod(Duration rateLimitPeriod) {
		this.rateLimitPeriod = rateLimitPeriod;
		return this;
	}

	/** The longest a call waits for a slot or a budget before failing. */
	public AiGatewayClientBuilder acquireTimeout(Duration acquireTimeout) {
		this.acquireTimeout = acquireTimeout;
		return this;
	}

	/** Attempts per call, the first included, for the default retry. */
	public AiGatewayClientBuilder maxAttempts(int maxAttempts) {
		this.maxAttempts = maxAttempts;
		return this;
	}

	/** The default retry's backoff bounds; also how long a 429 without a hint holds everyone back. */
	public AiGatewayClientBuilder backoff(Duration initialBackoff, Duration maxBackoff) {
		this.initialBackoff = initialBackoff;
		this.maxBackoff = maxBackoff;
		return this;
	}

	/** The bound of a whole call, waits and retries included. */
	public AiGatewayClientBuilder totalTimeout(Duration totalTimeout) {
		this.totalTimeout = totalTimeout;
		return this;
	}

	/** Completion tokens reserved for a request without {@code max_tokens}. */
	public AiGatewayClientBuilder assumedCompletionTokens(int assumedCompletionTokens) {
		this.assumedCompletionTokens = assumedCompletionTokens;
		return this;
	}

	/** Whether identical requests in flight share one upstream call even without an idempotency key. */
	public AiGatewayClientBuilder dedupe(boolean dedupe) {
		this.dedupe = dedupe;
		return this;
	}

	/**
	 * Shares identical requests in flight through {@code singleFlight}, so across every
	 * instance on its Redis; without one they are shared in this JVM only.
	 */
	public AiGatewayClientBuilder singleFlight(@Nullable SingleFlight singleFlight) {
		this.singleFlight = singleFlight;
		return this;
	}

	public AiGatewayClientBuilder bulkhead(Bulkhead bulkhead) {
		this.bulkhead = bulkhead;
		return this;
	}

	public AiGatewayClientBuilder rateLimiter(@Nullable RateLimiter rateLimiter) {
		this.rateLimiter = rateLimiter;
		return this;
	}

	public AiGatewayClientBuilder retry(Retry retry) {
		this.retry = retry;
		return this;
	}

	public AiGatewayClientBuilder timeLimiter(TimeLimiter timeLimiter) {
		this.timeLimiter = timeLimiter;
		return this;
	}

	public AiGatewayClientBuilder metrics(AiGatewayMetrics metrics) {
		this.metrics = metrics;
		return this;
	}

	/**
	 * Redis for the cluster token totals and, with {@code clusterLimits}, the shared budgets.
	 * @param redis the template
	 * @param keyspace how keys are named ({@code <prefix>:ai:...})
	 * @param clusterLimits whether the request and token budgets are shared by the cluster
	 */
	public AiGatewayClientBuilder redis(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace,
			boolean clusterLimits) {
		this.redis = redis;
		this.keyspace = keyspace;
		this.clusterLimits = clusterLimits;
		return this;
	}

	/** How long a Redis call may take before the client falls back to local limits. */
	public AiGatewayClientBuilder redisTimeout(Duration redisTimeout) {
		this.redisTimeout = redisTimeout;
		return this;
	}

	/**
	 * The longest a server's retry hint ({@code Retry-After}, {@code x-ratelimit-reset-*}) may hold
	 * callers back (1 min): a longer hint is capped to it and counted.
	 */
	public AiGatewayClientBuilder maxRetryPause(Duration maxRetryPause) {
		if (maxRetryPause == null || maxRetryPause.isNegative() || maxRetryPause.isZero()) {
			throw new InvalidSettingException("ai", "maxRetryPause", "must be positive, got " + maxRetryPause);
		}
		this.maxRetryPause = maxRetryPause;
		return this;
	}

	/**
	 * With cluster limits, the share of the budgets this instance spends alone while Redis does
	 * not answer (0.5): set it to 1/N for N instances, so that together they stay within the budget.
	 */
	public AiGatewayClientBuilder clusterFallbackShare(double clusterFallbackShare) {
		if (!(clusterFallbackShare > 0 && clusterFallbackShare <= 1)) {
			throw new InvalidSettingException("ai", "clusterFallbackShare",
					"must be more than 0 and at most 1, got " + clusterFallbackShare);
		}
		this.clusterFallbackShare = clusterFallbackShare;
		return this;
	}

	/**
	 * @throws IllegalArgumentException if the base URL is missing or a number is out of range
	 */
	public AiGatewayClient build() {
		if (this.baseUrl == null || this.baseUrl.isBlank()) {
			throw new InvalidSettingException("ai", "baseUrl", "must be set");
		}
		Objects.requireNonNull(this.model, "model");
		String name = AiResilienceConfigs.INSTANCE;
		Bulkhead bulkhead = (this.bulkhead != null) ? this.bulkhead
				: Bulkhead.of(name, AiResilienceConfigs.bulkhead(this.maxConcurrency, this.acquireTimeout));
		RateLimiter rateLimiter = (this.rateLimiter != null || this.requestsPerPeriod == 0) ? this.rateLimiter
				: RateLimiter.of(name,
						AiResilienceConfigs.rateLimiter(this.requestsPerPeriod, this.rateLimitPeriod, this.acquireTimeout));
		Retry retry = (this.retry != null) ? this.retry
				: Retry.of(name, RetryPolicy.config(this.maxAttempts, this.initialBackoff, this.maxBackoff));
		TimeLimiter timeLimiter = (this.timeLimiter != null) ? this.timeLimiter
				: TimeLimiter.of(name, AiResilienceConfigs.timeLimiter(this.responseTimeout));
		UsageLedger ledger = new UsageLedger(this.metrics, this.redis, this.keyspace, this.redisTimeout);
		return new AiGatewayClient(new Parts(transport(), this.model, new ConcurrencyGate(bulkhead),
				quota(rateLimiter), retry, timeLimiter, ledger, this.metrics, this.dedupe, this.totalTimeout,
				this.assumedCompletionTokens, this.initialBackoff, this.singleFlight,
				json().sortingMapEntries().type(ChatRequest.class)));
	}

	private Quota quota(@Nullable RateLimiter rateLimiter) {
		QuotaSettings settings = new QuotaSettings(this.requestsPerPeriod, this.tokensPerPeriod, this.rateLimitPeriod,
				this.acquireTimeout, this.redisTimeout);
		if (this.clusterLimits && this.redis != null) {
			// The fallback while Redis is away: this instance's share of the budgets, not all of them.
			long requests = share(this.requestsPerPeriod);
			RateLimiter shareLimiter = (requests == 0) ? null : RateLimiter.of(AiResilienceConfigs.INSTANCE + "-fallback",
					AiResilienceConfigs.rateLimiter(requests, this.rateLimitPeriod, this.acquireTimeout));
			LocalQuota fallback = new LocalQuota(shareLimiter, tokenBucket(share(this.tokensPerPeriod)),
					this.acquireTimeout, this.rateLimitPeriod, System::nanoTime);
			return new ClusterQuota(this.redis, this.keyspace, settings, fallback, this.metrics);
		}
		return new LocalQuota(rateLimiter, tokenBucket(this.tokensPerPeriod), this.acquireTimeout, this.rateLimitPeriod,
				System::nanoTime);
	}

	private long share(long budget) {
		return (budget == 0) ? 0 : Math.max(1, (long) Math.floor(budget * this.clusterFallbackShare));
	}

	@Nullable
	private TokenBucket tokenBucket(long tokensPerPeriod) {
		return (tokensPerPeriod > 0) ? new TokenBucket(tokensPerPeriod, this.rateLimitPeriod, System::nanoTime) : null;
	}

	private ChatTransport transport() {
		HttpClient http = HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) this.connectTimeout.toMillis())
			.responseTimeout(this.responseTimeout);
		WebClient.Builder builder = this.webClient.clone()
			.baseUrl(this.baseUrl)
			.clientConnector(new ReactorClientHttpConnector(http));
		if (this.apiKey != null && !this.apiKey.isBlank()) {
			String key = this.apiKey;
			builder.defaultHeaders((headers) -> headers.setBearerAuth(key));
		}
		builder.defaultHeader(HttpHeaders.USER_AGENT, "baton-ai");
		return new ChatTransport(builder.build(), json(), Clock.systemUTC(), this.maxRetryPause, this.metrics);
	}

	private JsonCodec json() {
		if (this.json == null) {
			this.json = JsonCodec.standard();
		}
		return this.json;
	}

	/** What the client is made of. */
	record Parts(ChatTransport transport, String defaultModel, ConcurrencyGate gate, Quota quota, Retry retry,
			TimeLimiter timeLimiter, UsageLedger ledger, AiGatewayMetrics metrics, boolean dedupe,
			Duration totalTimeout, int assumedCompletionTokens, Duration pauseWithoutHint,
			@Nullable SingleFlight singleFlight, JsonCodec.JsonType requestKeys) {

	}

}
