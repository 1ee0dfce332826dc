package dev.baton.singleflight;

import java.time.Duration;
import java.util.Objects;

import dev.baton.InvalidSettingException;
import dev.baton.json.JsonCodec;
import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import dev.baton.redis.ScriptConnection;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.ClassUtils;

/**
 * Builds a {@link SingleFlight}. Every setting has a default; without {@link #redis} the
 * result works inside this JVM only.
 */
public final class SingleFlightBuilder {

	private static final String CAFFEINE = "com.github.benmanes.caffeine.cache.Caffeine";

	private static final String FEATURE = SingleFlight.FEATURE;

	private RedisConnectionFactory connectionFactory;

	private RedisKeyspace keyspace = new RedisKeyspace("baton");

	private RedisPubSubHub hub;

	private JsonCodec json;

	private SingleFlightObserver observer = SingleFlightObserver.NONE;

	private Duration ttl = Duration.ofMinutes(1);

	private Duration localTtl = Duration.ofSeconds(5);

	private Duration waitTimeout = Duration.ofSeconds(10);

	private boolean cacheNulls = true;

	private Duration errorTtl = Duration.ZERO;

	private Duration leaseTime = Duration.ofSeconds(10);

	private Duration storeTimeout = Duration.ofSeconds(5);

	private boolean followersRetryOnError;

	private long localMaxSize = 10_000;

	private Duration maxFlightTime = Duration.ofMinutes(1);

	private OnStoreFailure onStoreFailure = OnStoreFailure.FAIL;

	private Duration storeRetryInterval = Duration.ofSeconds(1);

	SingleFlightBuilder() {
	}

	/**
	 * Shares flights across instances through this Redis.
	 * @param connectionFactory Lettuce's connection factory (scripts run on its shared connection)
	 */
	public SingleFlightBuilder redis(RedisConnectionFactory connectionFactory) {
		this.connectionFactory = connectionFactory;
		return this;
	}

	/** How keys and channels are named; default prefix {@code baton}. */
	public SingleFlightBuilder keyspace(RedisKeyspace keyspace) {
		this.keyspace = Objects.requireNonNull(keyspace, "keyspace");
		return this;
	}

	/** The JVM's pub/sub hub; without one, the {@link SingleFlight} opens (and closes) its own. */
	public SingleFlightBuilder pubSubHub(RedisPubSubHub hub) {
		this.hub = hub;
		return this;
	}

	/**
	 * How results are stored in Redis: JSON through the application's mapper (Jackson 3 or 2, the
	 * same text either way); default: {@link JsonCodec#standard()}.
	 */
	public SingleFlightBuilder json(JsonCodec json) {
		this.json = Objects.requireNonNull(json, "json");
		return this;
	}

	/** Hears calls, executions and unreadable results (meters). */
	public SingleFlightBuilder observer(SingleFlightObserver observer) {
		this.observer = Objects.requireNonNull(observer, "observer");
		return this;
	}

	/** Default lifetime of a result in Redis (1 min); zero: shared with the flight's own callers only. */
	public SingleFlightBuilder ttl(Duration ttl) {
		this.ttl = requireNotNegative("ttl", ttl);
		return this;
	}

	/** Default lifetime of a result in this JVM's cache (5 s); zero: not kept. */
	public SingleFlightBuilder localTtl(Duration localTtl) {
		this.localTtl = requireNotNegative("localTtl", localTtl);
		return this;
	}

	/** Default longest wait for someone else's result (10 s). */
	public SingleFlightBuilder waitTimeout(Duration waitTimeout) {
		this.waitTimeout = requirePositive("waitTimeout", waitTimeout);
		return this;
	}

	/** Whether {@code null} results are stored for later callers by default (yes). */
	public SingleFlightBuilder cacheNulls(boolean cacheNulls) {
		this.cacheNulls = cacheNulls;
		return this;
	}

	/** Default lifetime of a stored failure (zero: failures are not stored, the next call runs again). */
	public SingleFlightBuilder errorTtl(Duration errorTtl) {
		this.errorTtl = requireNotNegative("errorTtl", errorTtl);
		return this;
	}

	/** The leader's lease (10 s), renewed every third of it while the loader runs; a dead leader is replaced after it. */
	public SingleFlightBuilder leaseTime(Duration leaseTime) {
		if (leaseTime == null || leaseTime.toMillis() < 3) {
			throw new InvalidSettingException(FEATURE, "leaseTime", "must be at least 3 ms, got " + leaseTime);
		}
		this.leaseTime = leaseTime;
		return this;
	}

	/** How long one Redis operation may take before Redis counts as unreachable (5 s). */
	public SingleFlightBuilder storeTimeout(Duration storeTimeout) {
		this.storeTimeout = requirePositive("storeTimeout", storeTimeout);
		return this;
	}

	/** Whether followers on other instances run the loader once themselves when the leader failed (no). */
	public SingleFlightBuilder followersRetryOnError(boolean followersRetryOnError) {
		this.followersRetryOnError = followersRetryOnError;
		return this;
	}

	/**
	 * Default longest run of a loader (1 min). Past it the flight is abandoned: its lease is no
	 * longer renewed but dropped, every caller waiting for it gets a
	 * {@link SingleFlightTimeoutException}, and the next caller on any instance runs the loader
	 * again. A loader running on a caller's thread is not interrupted; what it returns later is
	 * discarded.
	 */
	public SingleFlightBuilder maxFlightTime(Duration maxFlightTime) {
		this.maxFlightTime = requirePositive("maxFlightTime", maxFlightTime);
		return this;
	}

	/** Default reaction to Redis being unreachable: {@link OnStoreFailure#FAIL} (the default) or {@link OnStoreFailure#RUN_LOCALLY}. */
	public SingleFlightBuilder onStoreFailure(OnStoreFailure onStoreFailure) {
		Objects.requireNonNull(onStoreFailure, "onStoreFailure");
		this.onStoreFailure = (onStoreFailure == OnStoreFailure.DEFAULT) ? OnStoreFailure.FAIL : onStoreFailure;
		return this;
	}

	/**
	 * After Redis failed, how long calls skip it (failing or running locally at once, see
	 * {@link OnStoreFailure}) before one call tries it again (1 s): the store timeout is paid once
	 * per outage, not by every caller.
	 */
	public SingleFlightBuilder storeRetryInterval(Duration storeRetryInterval) {
		this.storeRetryInterval = requirePositive("storeRetryInterval", storeRetryInterval);
		return this;
	}

	/** Most entries in this JVM's cache (10 000); 0 turns it off. Needs Caffeine when positive. */
	public SingleFlightBuilder localMaxSize(long localMaxSize) {
		if (localMaxSize < 0) {
			throw new InvalidSettingException(FEATURE, "localMaxSize", "must not be negative, got " + localMaxSize);
		}
		this.localMaxSize = localMaxSize;
		return this;
	}

	/**
	 * @throws IllegalStateException when a local cache is asked for but Caffeine is not on the classpath
	 * @throws IllegalArgumentException when the connection factory is not reactive
	 */
	public SingleFlight build() {
		ValueCodec codec = new ValueCodec((this.json != null) ? this.json : JsonCodec.standard());
		FlightDefaults defaults = new FlightDefaults(this.ttl, this.localTtl, this.waitTimeout, this.cacheNulls,
				this.errorTtl, this.leaseTime, this.storeTimeout, this.followersRetryOnError, this.maxFlightTime,
				this.onStoreFailure, this.storeRetryInterval);
		if (this.connectionFactory == null) {
			return new SingleFlight(this.keyspace, FlightStore.LOCAL, codec, localCache(), this.observer, defaults, null);
		}
		ScriptConnection redis = new ScriptConnection(this.connectionFactory);
		RedisPubSubHub ownHub = (this.hub == null) ? new RedisPubSubHub(this.connectionFactory) : null;
		FlightStore store = new RedisFlightStore(redis, (ownHub != null) ? ownHub : this.hub,
				this.keyspace.channel(SingleFlight.FEATURE, "done"), this.keyspace.channel(SingleFlight.FEATURE, "forget"));
		return new SingleFlight(this.keyspace, store, codec, localCache(), this.observer, defaults, ownHub);
	}

	private LocalCache localCache() {
		if (this.localMaxSize == 0) {
			return LocalCache.NONE;
		}
		if (!ClassUtils.isPresent(CAFFEINE, SingleFlightBuilder.class.getClassLoader())) {
			throw new IllegalStateException("A single-flight local cache (localMaxSize " + this.localMaxSize
					+ ") needs Caffeine (com.github.ben-manes.caffeine:caffeine) on the classpath; add it, or set "
					+ "localMaxSize to 0");
		}
		return new CaffeineLocalCache(this.localMaxSize);
	}

	private static Duration requireNotNegative(String what, Duration duration) {
		if (duration == null || duration.isNegative()) {
			throw new InvalidSettingException(FEATURE, what, "must not be negative, got " + duration);
		}
		return duration;
	}

	private static Duration requirePositive(String what, Duration duration) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new InvalidSettingException(FEATURE, what, "must be positive, got " + duration);
		}
		return duration;
	}

}
