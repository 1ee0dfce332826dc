package dev.baton.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import dev.baton.redis.LuaScript;
import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import dev.baton.redis.ScriptConnection;
import dev.baton.redis.StoredFormat;
import reactor.core.publisher.Mono;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.lang.Nullable;

/**
 * One Redis (standalone, sentinel or cluster through Spring Data Redis). Each operation is a
 * Lua script run by EVALSHA; all keys of a lock share the user key's hash slot.
 * <h2>Release notices</h2>
 * A release (or a cancel) that leaves waiters behind publishes the user's key. With plain
 * pub/sub it goes to one channel for every lock, which every instance subscribes once. On a
 * Redis Cluster of 7.0+ (a {@link RedisPubSubHub#sharded() sharded} hub) it goes with
 * {@code SPUBLISH} to the lock's own shard channel, in the lock's slot, so that only the master
 * owning the lock handles it and only instances waiting for that lock hear it. An owner follows
 * that channel from its first "busy" answer until it acquires or cancels: the uncontended path
 * never subscribes. A release published between that first answer and the subscription would
 * not be heard, so the answer is turned into "busy, retry at once" once the subscription is
 * confirmed: the retry sees the lock as it is after any such release.
 */
final class RedisLockStore implements LockStore {

	static final String FEATURE = "lock";

	/** What acquire and release both read of the fair queue. */
	private static final String QUEUE = "dev/baton/lock/queue.lua";

	/** How fencing tokens are issued, shared by acquire and token. */
	private static final String FENCE = "dev/baton/lock/fence.lua";

	private static final LuaScript ACQUIRE = LuaScript.fromClasspath("dev/baton/lock/acquire.lua", ReturnType.INTEGER,
			StoredFormat.LIBRARY, QUEUE, FENCE);

	private static final LuaScript TOKEN = LuaScript.fromClasspath("dev/baton/lock/token.lua", ReturnType.INTEGER,
			FENCE);

	private static final LuaScript RELEASE_OWN = LuaScript.fromClasspath("dev/baton/lock/release-own.lua",
			ReturnType.INTEGER);

	private static final LuaScript RELEASE = LuaScript.fromClasspath("dev/baton/lock/release.lua", ReturnType.INTEGER,
			StoredFormat.LIBRARY, QUEUE);

	private static final LuaScript RENEW = LuaScript.fromClasspath("dev/baton/lock/renew.lua", ReturnType.INTEGER);

	private static final LuaScript CANCEL = LuaScript.fromClasspath("dev/baton/lock/cancel.lua", ReturnType.INTEGER);

	/** How long an acquisition waits before asking again after a {@code TRYAGAIN}: a slot's few keys move in milliseconds. */
	private static final Duration TRY_AGAIN_PAUSE = Duration.ofMillis(25);

	private static final Attempt TOKENLESS = Attempt.acquired(0);

	private static final Attempt BUSY_NOW = Attempt.busy(Duration.ZERO);

	private static final CompletableFuture<Boolean> RELEASED = CompletableFuture.completedFuture(true);

	private final ScriptConnection redis;

	private final RedisKeyspace keyspace;

	private final RedisPubSubHub hub;

	/** The channel of every lock, for plain pub/sub. */
	private final String channel;

	/** Whether notices go through shard channels, one per lock ({@link RedisPubSubHub#sharded()}). */
	private final boolean sharded;

	/** The command release and cancel publish with: {@code SPUBLISH} when sharded, else {@code PUBLISH}. */
	private final String publish;

	/** The registry's release callback; written once, before any use. */
	private volatile Consumer<String> listener = (key) -> {
	};

	/**
	 * Store owners of this JVM that follow their lock's shard channel (sharded only), with the
	 * channel. An owner stops when it acquires, cancels or releases.
	 */
	private final ConcurrentHashMap<String, String> following = new ConcurrentHashMap<>();

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
		this.sharded = hub.sharded();
		this.publish = this.sharded ? "SPUBLISH" : "PUBLISH";
	}

	@Override
	public void onRelease(Consumer<String> listener) {
		// Releases publish the user's key itself, so nothing maps Redis keys back to it.
		this.listener = listener;
		if (!this.sharded) {
			this.hub.subscribe(this.channel, listener);
		}
	}

	/** Whether release notices go through shard channels, one per lock. */
	boolean sharded() {
		return this.sharded;
	}

	/** Where a release of {@code key} is published: its shard channel, in the lock's slot, or the one channel. */
	String releaseChannel(String key) {
		return this.sharded ? lockKey(key) + ":released" : this.channel;
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
			.onErrorMap((ex) -> formatError(key, ex))
			.flatMap((attempt) -> this.sharded ? Mono.fromFuture(followed(key, owner, willWait, attempt), true)
					: Mono.just(attempt));
	}

	@Override
	public CompletableFuture<Attempt> acquireNow(String key, String owner, Duration lease, Duration willWait,
			int handoffs, boolean retry) {
		return acquireNow(key, owner, lease, willWait, handoffs, retry, false);
	}

	/**
	 * A first try that may leave the token for later takes a free lock with one plain
	 * {@code SET NX PX} (a lock with waiters is never absent: held, flagged or kept for the head
	 * of the queue), the cheapest write Redis has; only when the lock is not free does the
	 * script run, at the caller's next ask, which queues it.
	 */
	@Override
	public CompletableFuture<Attempt> acquireNow(String key, String owner, Duration lease, Duration willWait,
			int handoffs, boolean retry, boolean tokenLater) {
		if (!tokenLater || retry) {
			return acquireByScript(key, owner, lease, willWait, handoffs, retry);
		}
		CompletableFuture<Boolean> taken = this.redis.setIfAbsent(lockKey(key), owner, lease, this.deadline);
		if (willWait.isZero()) {
			// Not free: the script reads who holds it, so that a holder of a later format is
			// reported to a caller that does not wait too (it is never taken either way).
			return taken.thenCompose((set) -> set ? CompletableFuture.completedFuture(TOKENLESS)
					: acquireByScript(key, owner, lease, willWait, handoffs, false));
		}
		// Taken: a hold without its token (a first try follows no shard channel yet, so there is
		// nothing to stop). Not free: "busy, ask again now", so that the caller's next ask, the
		// script that queues it, is a retry its wait bounds as it bounds every retry.
		return taken.thenApply((set) -> set ? TOKENLESS : BUSY_NOW);
	}

	private CompletableFuture<Attempt> acquireByScript(String key, String owner, Duration lease, Duration willWait,
			int handoffs, boolean retry) {
		CompletableFuture<Attempt> reply = ACQUIRE
			.<Long>call(this.redis, acquireKeys(key),
					acquireArgs(owner, lease, willWait, handoffs, retry, clockMicros()), this.deadline)
			// One stage, as thenApply would be: the failure is read only when there is one.
			.handle((answer, ex) -> {
				if (ex != null) {
					if (isTryAgain(ex)) {
						return Attempt.unsettled(TRY_AGAIN_PAUSE, NestedExceptionUtils.getMostSpecificCause(ex));
					}
					Throwable failure = formatError(key, ex);
					throw (failure instanceof CompletionException completion) ? completion
							: new CompletionException(failure);
				}
				return attempt(answer);
			});
		return this.sharded ? reply.thenCompose((attempt) -> followed(key, owner, willWait, attempt)) : reply;
	}

	/**
	 * Redis Cluster's answer to a script whose keys are split between two masters while their
	 * slot migrates (the lock key moved, its fence not yet): ask again shortly.
	 */
	private static boolean isTryAgain(Throwable ex) {
		String message = NestedExceptionUtils.getMostSpecificCause(ex).getMessage();
		return message != null && message.startsWith("TRYAGAIN");
	}

	@Override
	public CompletableFuture<Long> issueToken(String key, String owner, int handoffs) {
		long floor = clockMicros();
		String lockKey = lockKey(key);
		return TOKEN.<Long>call(this.redis, List.of(lockKey, lockKey + ":fence"),
				List.of(owner, Long.toString(floor), Long.toString(floor + handoffs), Integer.toString(handoffs)),
				this.deadline);
	}

	/**
	 * Sharded notices: an owner answered "busy" that queued starts following its lock's channel
	 * and, once subscribed, is told to retry at once (a release published before the
	 * subscription was not heard); one that acquired stops following.
	 */
	private CompletableFuture<Attempt> followed(String key, String owner, Duration willWait, Attempt attempt) {
		if (attempt.acquired()) {
			stopFollowing(owner);
			return CompletableFuture.completedFuture(attempt);
		}
		if (attempt.unsettled() != null) {
			return CompletableFuture.completedFuture(attempt);
		}
		String channel = releaseChannel(key);
		if (willWait.isZero() || this.following.putIfAbsent(owner, channel) != null) {
			return CompletableFuture.completedFuture(attempt);
		}
		CompletableFuture<Void> subscribed = this.hub.follow(channel, this.listener);
		if (this.deadline != null) {
			// Not confirmed in time: retry all the same, then the holder's lease end bounds the wait.
			subscribed = subscribed.completeOnTimeout(null, this.deadline.toNanos(), TimeUnit.NANOSECONDS);
		}
		return subscribed.thenApply((done) -> Attempt.busy(Duration.ZERO));
	}

	private void stopFollowing(String owner) {
		if (!this.sharded) {
			return;
		}
		String channel = this.following.remove(owner);
		if (channel != null) {
			this.hub.unfollow(channel, this.listener);
		}
	}

	/** How many owners of this JVM follow their lock's shard channel now (for tests and diagnostics). */
	int following() {
		return this.following.size();
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
		stopFollowing(owner);
		return RELEASE.<Long>execute(this.redis, waitKeys(key), releaseArgs(key, owner), this.deadline)
			.map((result) -> result >= 0);
	}

	/**
	 * The common release, of a hold nobody queued for, is one compare-and-delete of one key and
	 * one argument; only when that finds the value flagged (someone queued) or not the owner's
	 * does the full release run, which wakes the waiters.
	 */
	@Override
	public CompletableFuture<Boolean> releaseNow(String key, String owner) {
		stopFollowing(owner);
		return RELEASE_OWN.<Long>call(this.redis, List.of(lockKey(key)), List.of(owner), this.deadline)
			.thenCompose((plain) -> (plain == 0L) ? RELEASED
					: RELEASE.<Long>call(this.redis, waitKeys(key), releaseArgs(key, owner), this.deadline)
						.thenApply((result) -> result >= 0));
	}

	/** What release and cancel publish: on which channel, the caller's key for the waiters to match, and how. */
	private List<String> releaseArgs(String key, String owner) {
		return List.of(owner, releaseChannel(key), key, this.publish);
	}

	@Override
	public Mono<Boolean> renew(String key, String owner, Duration lease) {
		return RENEW.<Long>execute(this.redis, List.of(lockKey(key)), List.of(owner, millis(lease)))
			.map((result) -> result == 1L);
	}

	@Override
	public Mono<Void> cancel(String key, String owner) {
		stopFollowing(owner);
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
