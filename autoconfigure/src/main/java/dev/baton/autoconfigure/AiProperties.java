package dev.baton.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the AI gateway client ({@code baton.ai.*}). The client exists only when
 * {@code base-url} is set. The resilience4j instances named {@code baton-ai} take their
 * defaults from here; an instance configured under {@code resilience4j.*.instances.baton-ai}
 * replaces Baton's default for that instance.
 */
@ConfigurationProperties("baton.ai")
public class AiProperties {

	/** API root including the version path, e.g. {@code https://api.openai.com/v1}. */
	private String baseUrl;

	/** API key, sent as a bearer token; never logged, masked in /actuator/configprops and /actuator/env under any relaxed name (BATON_AI_API_KEY too). Required unless the host is loopback. */
	private String apiKey;

	/** Model of requests that name none. */
	private String model = "gpt-4o-mini";

	/** Time to open a connection. */
	private Duration connectTimeout = Duration.ofSeconds(5);

	/** Time one attempt may take to answer (default of the {@code baton-ai} time limiter). */
	private Duration responseTimeout = Duration.ofSeconds(60);

	/** Calls in flight at once per instance (default of the {@code baton-ai} bulkhead). */
	private int maxConcurrency = 16;

	/** Requests per minute (per {@code rate-limit-period}); 0 for no client-side limit. */
	private long requestsPerMinute;

	/** Tokens, prompt plus completion, per minute (per {@code rate-limit-period}); 0 for no limit. */
	private long tokensPerMinute;

	/** Window of {@code requests-per-minute} and {@code tokens-per-minute}; one minute except in tests. */
	private Duration rateLimitPeriod = Duration.ofMinutes(1);

	/** Longest a call waits for a concurrency slot or for room in a budget before failing. */
	private Duration acquireTimeout = Duration.ofMinutes(1);

	/** Attempts per call, the first included (default of the {@code baton-ai} retry). */
	private int maxAttempts = 5;

	/** Upper bound of the first retry's random wait; it doubles per attempt up to {@code max-backoff}. */
	private Duration initialBackoff = Duration.ofMillis(500);

	/** Largest upper bound of a retry's random wait (a server's {@code Retry-After} may exceed it). */
	private Duration maxBackoff = Duration.ofSeconds(30);

	/** Bound of a whole call, waits and retries included. */
	private Duration totalTimeout = Duration.ofMinutes(5);

	/** Completion tokens the token budget reserves for a request without {@code max_tokens}. */
	private int assumedCompletionTokens = 1024;

	/** Whether identical requests in flight share one upstream call even without an idempotency key. */
	private boolean dedupe;

	/** Whether the request and token budgets are shared by every instance through Redis. */
	private boolean clusterLimits;

	/** Time a Redis call of the cluster budgets or totals may take before falling back to local limits. */
	private Duration redisTimeout = Duration.ofSeconds(1);

	/** Longest pause a server's retry hint (Retry-After, x-ratelimit-reset-*) may impose; longer hints are capped to it and counted. */
	private Duration maxRetryPause = Duration.ofMinutes(1);

	/** With cluster-limits, the share of the budgets one instance spends alone while Redis does not answer; set it to 1/N for N instances. */
	private double clusterFallbackShare = 0.5;

	public String getBaseUrl() {
		return this.baseUrl;
	}

	public void setBaseUrl(String baseUrl) {
		this.baseUrl = baseUrl;
	}

	public String getApiKey() {
		return this.apiKey;
	}

	public void setApiKey(String apiKey) {
		this.apiKey = apiKey;
	}

	public String getModel() {
		return this.model;
	}

	public void setModel(String model) {
		this.model = model;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getResponseTimeout() {
		return this.responseTimeout;
	}

	public void setResponseTimeout(Duration responseTimeout) {
		this.responseTimeout = responseTimeout;
	}

	public int getMaxConcurrency() {
		return this.maxConcurrency;
	}

	public void setMaxConcurrency(int maxConcurrency) {
		this.maxConcurrency = maxConcurrency;
	}

	public long getRequestsPerMinute() {
		return this.requestsPerMinute;
	}

	public void setRequestsPerMinute(long requestsPerMinute) {
		this.requestsPerMinute = requestsPerMinute;
	}

	public long getTokensPerMinute() {
		return this.tokensPerMinute;
	}

	public void setTokensPerMinute(long tokensPerMinute) {
		this.tokensPerMinute = tokensPerMinute;
	}

	public Duration getRateLimitPeriod() {
		return this.rateLimitPeriod;
	}

	public void setRateLimitPeriod(Duration rateLimitPeriod) {
		this.rateLimitPeriod = rateLimitPeriod;
	}

	public Duration getAcquireTimeout() {
		return this.acquireTimeout;
	}

	public void setAcquireTimeout(Duration acquireTimeout) {
		this.acquireTimeout = acquireTimeout;
	}

	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(int maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public Duration getInitialBackoff() {
		return this.initialBackoff;
	}

	public void setInitialBackoff(Duration initialBackoff) {
		this.initialBackoff = initialBackoff;
	}

	public Duration getMaxBackoff() {
		return this.maxBackoff;
	}

	public void setMaxBackoff(Duration maxBackoff) {
		this.maxBackoff = maxBackoff;
	}

	public Duration getTotalTimeout() {
		return this.totalTimeout;
	}

	public void setTotalTimeout(Duration totalTimeout) {
		this.totalTimeout = totalTimeout;
	}

	public int getAssumedCompletionTokens() {
		return this.assumedCompletionTokens;
	}

	public void setAssumedCompletionTokens(int assumedCompletionTokens) {
		this.assumedCompletionTokens = assumedCompletionTokens;
	}

	public boolean isDedupe() {
		return this.dedupe;
	}

	public void setDedupe(boolean dedupe) {
		this.dedupe = dedupe;
	}

	public boolean isClusterLimits() {
		return this.clusterLimits;
	}

	public void setClusterLimits(boolean clusterLimits) {
		this.clusterLimits = clusterLimits;
	}

	public Duration getMaxRetryPause() {
		return this.maxRetryPause;
	}

	public void setMaxRetryPause(Duration maxRetryPause) {
		this.maxRetryPause = maxRetryPause;
	}

	public double getClusterFallbackShare() {
		return this.clusterFallbackShare;
	}

	public void setClusterFallbackShare(double clusterFallbackShare) {
		this.clusterFallbackShare = clusterFallbackShare;
	}

	public Duration getRedisTimeout() {
		return this.redisTimeout;
	}

	public void setRedisTimeout(Duration redisTimeout) {
		this.redisTimeout = redisTimeout;
	}

}
