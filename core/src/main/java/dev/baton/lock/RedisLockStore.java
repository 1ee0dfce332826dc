package dev.baton.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import dev.baton.redis.LuaScript;
import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import dev.baton.redis.ScriptConnection;
import dev.baton.redis.StoredFormat;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReturnType;
import org.springframework.lang.Nullable;

/**
 * One Redis (standalone, sentinel or cluster through Spring Data Redis). Each operation is a
 * Lua script run by EVALSHA; all keys of a lock share the user key's hash slot.
 */
final class RedisLockStore implements LockStore {

	static final String FEATURE = "lock";

	/** What acquire and release both read of the fair queue. */
	private static final String QUEUE = "dev/baton/lock/queue.lua";

	private static final LuaScript ACQUIRE = LuaScript.fromClasspath("dev/baton/lock/acquire.lua", ReturnType.INTEGER,
			StoredFormat.LIBRARY, QUEUE);

	private static final LuaScript RELEASE = LuaScript.fromClasspath("dev/baton/lock/release.lua", ReturnType.INTEGER,
			StoredFormat.LIBRARY, QUEUE);

	private static final LuaScript RENEW = LuaScript.fromClasspath("dev/baton/lock/renew.lua", ReturnType.INTEGER);

	private static final LuaScript CANCEL = LuaScript.fromClasspath("dev/baton/lock/cancel.lua", ReturnType.INTEGER);

	private final ScriptConnection redis;

	private final RedisKeyspace keyspace;

	private final RedisPubSubHub hub;

	private final String channel;

	/** How long acquire and release may wait for Redis; {@code null} when the caller bounds them. */
	@Nullable
	private final Duration deadline;

	/**
	 * @param redis the long-lived connection every script runs on
	 * @param deadline how long acquire and release may wait for Redis, or {@code null} when
	 * the caller bounds every call itself (Redlock, per master)
	 */
	RedisLockStore(ScriptConnection redis, RedisKeyspace keyspace, RedisPubSubHub hub, @Nullable Duration deadline) {
		this.deadline = deadline;
		this.redis = redis;
		this.keyspace = keyspace;
		this.hub = hub;
		this.channel = keyspace.channel(FEATURE, "released");
	}

	@Override
	public void onRelease(Consumer<String> listener) {
		// Releases publish the user's key itself, so nothing maps Redis keys back to it.
		this.hub.subscribe(this.channel, listener);
	}

	@Override
	public Mono<Attempt> acquire(String key, String owner, Duration lease, Duration willWait, int handoffs,
			boolean retry) {
		return acquire(key, owner, lease, willWait, handoffs, retry, clockMicros());
	}

	/**
	 * {@link #acquire(String, String, Duration, Duration, int, boolean)} with the clock reading that
	 * floors the fencing token: one reading for all masters of a Redlock acquisition.
	 * @param floor the least token to issue, the caller's clock in epoch microseconds
	 */
	Mono<Attempt> acquire(String key, String owner, Duration lease, Duration willWait, int handoffs, boolean retry,
			long floor) {
		return ACQUIRE
			.<Long>execute(this.redis, acquireKeys(key), acquireArgs(owner, lease, willWait, handoffs, retry, floor),
					this.deadline)
			.map(RedisLockStore::attempt)
			.onErrorMap((ex) -> formatError(key, ex));
	}

	@Override
	public CompletableFuture<Attempt> acquireNow(String key, String owner, Duration lease, Duration willWait,
			int handoffs, boolean retry) {
		return ACQUIRE
			.<Long>call(this.redis, acquireKeys(key),
					acquireArgs(owner, lease, willWait, handoffs, retry, clockMicros()), this.deadline)
			// One stage, as thenApply would be: the failure is read only when there is one.
			.handle((reply, ex) -> {
				if (ex != null) {
					Throwable failure = formatError(key, ex);
					throw (failure instanceof CompletionException completion) ? completion
							: new CompletionException(failure);
				}
				return attempt(reply);
			});
	}

	/**
	 * A lock (or its first waiter) of a later format, which the script reported and left alone,
	 * as a {@link LockFormatException}; any other failure as it is.
	 */
	private static Throwable formatError(String key, Throwable ex) {
		String found = StoredFormat.reportedBy(ex);
		return (found != null) ? new LockFormatException(key, found) : ex;
	}

	/** The lock, its fence, its wait queue and the queue's lapse times: what acquire works on. */
	private List<String> acquireKeys(String key) {
		String lockKey = lockKey(key);
		return List.of(lockKey, lockKey + ":fence", lockKey + ":queue", lockKey + ":lapse");
	}

	private static List<String> acquireArgs(String owner, Duration lease, Duration willWait, int handoffs,
			boolean retry, long floor) {
		return List.of(owner, millis(lease), millis(willWait), Integer.toString(handoffs), Long.toString(floor),
				retry ? "1" : "0", Long.toString(floor + handoffs));
	}

	/** This instance's clock in epoch microseconds: fencing tokens never fall below it. */
	static long clockMicros() {
		Instant now = Instant.now();
		return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
	}

	@Override
	public Mono<Boolean> release(String key, String owner) {
		return RELEASE.<Long>execute(this.redis, waitKeys(key), releaseArgs(key, owner), this.deadline)
			.map((result) -> result >= 0);
	}

	@Override
	public CompletableFuture<Boolean> releaseNow(String key, String owner) {
		return RELEASE.<Long>call(this.redis, waitKeys(key), releaseArgs(key, owner), this.deadline)
			.thenApply((result) -> result >= 0);
	}

	/** What release and cancel publish on: the channel, and the caller's key for the waiters to match. */
	private List<String> releaseArgs(String key, String owner) {
		return List.of(owner, this.channel, key);
	}

	@Override
	public Mono<Boolean> renew(String key, String owner, Duration lease) {
		return RENEW.<Long>execute(this.redis, List.of(lockKey(key)), List.of(owner, millis(lease)))
			.map((result) -> result == 1L);
	}

	@Override
	public Mono<Void> cancel(String key, String owner) {
		return CANCEL.execute(this.redis, waitKeys(key), releaseArgs(key, owner)).then();
	}

	private String lockKey(String key) {
		return this.keyspace.key(FEATURE, key);
	}

	/** The lock, its wait queue and the queue's lapse times: what release and cancel work on. */
	private List<String> waitKeys(String key) {
		String lockKey = lockKey(key);
		return List.of(lockKey, lockKey + ":queue", lockKey + ":lapse");
	}

	private static Attempt attempt(long reply) {
		return (reply > 0) ? Attempt.acquired(reply) : Attempt.busy(Duration.ofMillis(-reply - 1));
	}

	private static String millis(Duration duration) {
		return Long.toString(Math.max(duration.toMillis(), 0));
	}

}
