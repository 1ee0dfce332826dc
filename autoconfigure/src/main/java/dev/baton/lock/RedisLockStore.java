package dev.baton.lock;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import reactor.core.publisher.Mono;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * One Redis (standalone, sentinel or cluster through Spring Data Redis). Each operation is a
 * Lua script run by EVALSHA; all keys of a lock share the user key's hash slot.
 */
final class RedisLockStore implements LockStore {

	static final String FEATURE = "lock";

	private static final RedisScript<List> ACQUIRE = script("acquire", List.class);

	private static final RedisScript<Long> RELEASE = script("release", Long.class);

	private static final RedisScript<Long> RENEW = script("renew", Long.class);

	private static final RedisScript<Long> CANCEL = script("cancel", Long.class);

	/** A dead waiter blocks the fair queue at most this long past its next expected try. */
	private static final Duration QUEUE_GRACE = Duration.ofSeconds(2);

	/** Fencing counters outlive their lock this long; past it, tokens continue from the server clock. */
	private static final Duration FENCE_RETENTION = Duration.ofDays(1);

	private final ReactiveStringRedisTemplate redis;

	private final RedisKeyspace keyspace;

	private final RedisPubSubHub hub;

	private final String channel;

	/** Redis lock key to user key, for the keys this JVM is waiting on. */
	private final ConcurrentHashMap<String, String> userKeys = new ConcurrentHashMap<>();

	RedisLockStore(ReactiveStringRedisTemplate redis, RedisKeyspace keyspace, RedisPubSubHub hub) {
		this.redis = redis;
		this.keyspace = keyspace;
		this.hub = hub;
		this.channel = keyspace.channel(FEATURE, "released");
	}

	@Override
	public void onRelease(Consumer<String> listener) {
		this.hub.subscribe(this.channel, (message) -> {
			String userKey = this.userKeys.get(message);
			if (userKey != null) {
				listener.accept(userKey);
			}
		});
	}

	@Override
	public Mono<Attempt> acquire(String key, String owner, Duration lease, Duration willWait) {
		String lockKey = lockKey(key);
		if (!willWait.isZero()) {
			this.userKeys.put(lockKey, key);
		}
		List<String> keys = List.of(lockKey, lockKey + ":fence", lockKey + ":queue", lockKey + ":lapse");
		return this.redis
			.execute(ACQUIRE, keys, List.of(owner, millis(lease), millis(willWait), millis(FENCE_RETENTION),
					millis(QUEUE_GRACE)))
			.next()
			.map(RedisLockStore::attempt);
	}

	@Override
	public Mono<Boolean> release(String key, String owner, long lastToken, Duration lease) {
		String lockKey = lockKey(key);
		return this.redis
			.execute(RELEASE, List.of(lockKey, lockKey + ":fence", lockKey + ":queue"),
					List.of(owner, Long.toString(lastToken), millis(lease), this.channel))
			.next()
			.map((result) -> result >= 0);
	}

	@Override
	public Mono<Boolean> renew(String key, String owner, Duration lease) {
		return this.redis.execute(RENEW, List.of(lockKey(key)), List.of(owner, millis(lease)))
			.next()
			.map((result) -> result == 1L);
	}

	@Override
	public Mono<Void> cancel(String key, String owner) {
		String lockKey = lockKey(key);
		return this.redis
			.execute(CANCEL, List.of(lockKey, lockKey + ":queue", lockKey + ":lapse"), List.of(owner, this.channel))
			.then();
	}

	/** Forgets the mapping kept for wake-ups once nobody in this JVM waits on the key. */
	void forget(String key) {
		this.userKeys.remove(lockKey(key));
	}

	private String lockKey(String key) {
		return this.keyspace.key(FEATURE, key);
	}

	private static Attempt attempt(List<?> reply) {
		long status = (Long) reply.get(0);
		long value = (Long) reply.get(1);
		return (status == 0) ? Attempt.busy(Duration.ofMillis(value)) : Attempt.acquired(value);
	}

	private static String millis(Duration duration) {
		return Long.toString(Math.max(duration.toMillis(), 0));
	}

	/** Read once, at class load: never file I/O on an event loop at the first call. */
	private static <T> RedisScript<T> script(String name, Class<T> type) {
		ClassPathResource resource = new ClassPathResource("dev/baton/lock/" + name + ".lua");
		try {
			return RedisScript.of(resource.getContentAsString(StandardCharsets.UTF_8), type);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + resource, ex);
		}
	}

}
