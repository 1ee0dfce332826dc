package dev.baton.autoconfigure;

import java.time.Duration;

import dev.baton.singleflight.OnStoreFailure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Single-flight settings ({@code baton.singleflight.*}); {@code @SingleFlight} attributes override the first four, max-flight-time and on-store-failure. */
@ConfigurationProperties("baton.singleflight")
public class SingleFlightProperties {

	/** How long a result stays in Redis; 0 shares it with the callers of its flight only. */
	private Duration ttl = Duration.ofMinutes(1);

	/** How long a result stays in each JVM's local (Caffeine) cache; 0 keeps none. */
	private Duration localTtl = Duration.ofSeconds(5);

	/** Longest time a caller waits for a result computed by someone else before SingleFlightTimeoutException. */
	private Duration waitTimeout = Duration.ofSeconds(10);

	/** How long a failure is stored for later callers; 0 stores none, so the next call runs again. */
	private Duration errorTtl = Duration.ZERO;

	/** Whether a null result (an empty Mono) is stored for later callers like any other. */
	private boolean cacheNulls = true;

	/** The leader's Redis lease, renewed every third of it while it computes; a dead leader is replaced after it. */
	private Duration leaseTime = Duration.ofSeconds(10);

	/** Whether followers on other instances run the method once themselves when the leader failed, instead of failing. */
	private boolean followersRetryOnError = false;

	/** Most entries in each JVM's local cache (needs Caffeine on the classpath); 0 turns the local cache off. */
	private long localMaxSize = 10_000;

	/** How long one Redis operation may take before Redis counts as unreachable. */
	private Duration storeTimeout = Duration.ofSeconds(5);

	/** Longest run of a loader; past it the flight is abandoned (its callers get a timeout) and the key is free again. */
	private Duration maxFlightTime = Duration.ofMinutes(1);

	/** What a call does when Redis is unreachable: FAIL with an exception, or RUN_LOCALLY (counted as outcome degraded). */
	private OnStoreFailure onStoreFailure = OnStoreFailure.FAIL;

	/** After Redis failed, how long calls skip it (failing or running locally at once) before one call tries again. */
	private Duration storeRetryInterval = Duration.ofSeconds(1);

	public Duration getTtl() {
		return this.ttl;
	}

	public void setTtl(Duration ttl) {
		this.ttl = ttl;
	}

	public Duration getLocalTtl() {
		return this.localTtl;
	}

	public void setLocalTtl(Duration localTtl) {
		this.localTtl = localTtl;
	}

	public Duration getWaitTimeout() {
		return this.waitTimeout;
	}

	public void setWaitTimeout(Duration waitTimeout) {
		this.waitTimeout = waitTimeout;
	}

	public Duration getErrorTtl() {
		return this.errorTtl;
	}

	public void setErrorTtl(Duration errorTtl) {
		this.errorTtl = errorTtl;
	}

	public boolean isCacheNulls() {
		return this.cacheNulls;
	}

	public void setCacheNulls(boolean cacheNulls) {
		this.cacheNulls = cacheNulls;
	}

	public Duration getLeaseTime() {
		return this.leaseTime;
	}

	public void setLeaseTime(Duration leaseTime) {
		this.leaseTime = leaseTime;
	}

	public boolean isFollowersRetryOnError() {
		return this.followersRetryOnError;
	}

	public void setFollowersRetryOnError(boolean followersRetryOnError) {
		this.followersRetryOnError = followersRetryOnError;
	}

	public long getLocalMaxSize() {
		return this.localMaxSize;
	}

	public void setLocalMaxSize(long localMaxSize) {
		this.localMaxSize = localMaxSize;
	}

	public Duration getMaxFlightTime() {
		return this.maxFlightTime;
	}

	public void setMaxFlightTime(Duration maxFlightTime) {
		this.maxFlightTime = maxFlightTime;
	}

	public OnStoreFailure getOnStoreFailure() {
		return this.onStoreFailure;
	}

	public void setOnStoreFailure(OnStoreFailure onStoreFailure) {
		this.onStoreFailure = onStoreFailure;
	}

	public Duration getStoreRetryInterval() {
		return this.storeRetryInterval;
	}

	public void setStoreRetryInterval(Duration storeRetryInterval) {
		this.storeRetryInterval = storeRetryInterval;
	}

	public Duration getStoreTimeout() {
		return this.storeTimeout;
	}

	public void setStoreTimeout(Duration storeTimeout) {
		this.storeTimeout = storeTimeout;
	}

}
