package dev.baton.lock;

import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import dev.baton.redis.ScriptConnection;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Locks in one Redis (standalone, sentinel or cluster, through Spring Data Redis).
 * <p>
 * Acquire, release and renew are each one Lua script run by EVALSHA. A hold's store owner is
 * this registry's instance id plus a per-hold id; which thread or subscription holds it is kept
 * here, so a held lease can pass to the next local waiter without a round trip (at most
 * {@link LockOptions#handoffBudget()} times in a row). Waiters queue fairly in Redis and are
 * woken by one pub/sub subscription per JVM, with a fallback at the lease's end; nobody polls.
 * <pre>{@code
 * RedisLockRegistry locks = new RedisLockRegistry(connectionFactory);
 * DistributedLock lock = locks.obtain("sku:42");
 * if (lock.tryLock(Duration.ofSeconds(1), null)) {
 *     try { ... store.write(value, lock.fencingToken()); }
 *     finally { lock.unlock(); }
 * }
 * }</pre>
 */
public final class RedisLockRegistry extends AbstractLockRegistry implements AutoCloseable {

	private final RedisPubSubHub ownHub;

	/** A registry with default options, keys under {@code baton:lock:} and its own pub/sub connection. */
	public RedisLockRegistry(RedisConnectionFactory connectionFactory) {
		this(connectionFactory, new RedisKeyspace("baton"), null, LockOptions.DEFAULTS);
	}

	/**
	 * @param connectionFactory Lettuce's connection factory (scripts run on its shared connection)
	 * @param hub the JVM's pub/sub hub, or {@code null} for one of the registry's own
	 */
	public RedisLockRegistry(RedisConnectionFactory connectionFactory, RedisKeyspace keyspace, RedisPubSubHub hub,
			LockOptions options) {
		this(connectionFactory, keyspace, hub, (hub != null) ? null : new RedisPubSubHub(connectionFactory), options);
	}

	private RedisLockRegistry(RedisConnectionFactory connectionFactory, RedisKeyspace keyspace, RedisPubSubHub hub,
			RedisPubSubHub ownHub, LockOptions options) {
		super(new RedisLockStore(new ScriptConnection(connectionFactory), keyspace, (hub != null) ? hub : ownHub,
				options.storeTimeout()),
				options);
		this.ownHub = ownHub;
	}

	@Override
	public void close() {
		if (this.ownHub != null) {
			this.ownHub.destroy();
		}
	}

}
