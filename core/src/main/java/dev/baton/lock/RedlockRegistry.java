package dev.baton.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import dev.baton.redis.ScriptConnection;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Locks over several independent Redis masters (Redlock): a hold exists when a quorum of
 * N/2+1 masters granted it within its validity (lease − elapsed − clock drift), and it is
 * released on all of them. Survives the loss of a minority of masters. Same API, fairness,
 * renewal and hand-off as {@link RedisLockRegistry}; each master is a separate connection
 * factory and keeps its own pub/sub subscription.
 */
public final class RedlockRegistry extends AbstractLockRegistry implements AutoCloseable {

	private final List<RedisPubSubHub> hubs;

	/**
	 * @param masters connection factories of at least three independent masters (not replicas
	 * of one another), each a {@code LettuceConnectionFactory}
	 * @param masterTimeout how long one master may take to answer before it counts as down
	 */
	public RedlockRegistry(List<? extends RedisConnectionFactory> masters, RedisKeyspace keyspace, LockOptions options,
			Duration masterTimeout) {
		this(hubs(masters), masters, keyspace, options, masterTimeout);
	}

	private RedlockRegistry(List<RedisPubSubHub> hubs, List<? extends RedisConnectionFactory> masters,
			RedisKeyspace keyspace, LockOptions options, Duration masterTimeout) {
		this(store(hubs, masters, keyspace, masterTimeout), hubs, options);
	}

	private RedlockRegistry(RedlockStore store, List<RedisPubSubHub> hubs, LockOptions options) {
		super(store, options);
		this.hubs = hubs;
	}

	private static List<RedisPubSubHub> hubs(List<? extends RedisConnectionFactory> masters) {
		return masters.stream().map(RedisPubSubHub::new).toList();
	}

	private static RedlockStore store(List<RedisPubSubHub> hubs, List<? extends RedisConnectionFactory> masters,
			RedisKeyspace keyspace, Duration masterTimeout) {
		List<RedisLockStore> stores = new ArrayList<>();
		for (int i = 0; i < masters.size(); i++) {
			stores.add(new RedisLockStore(new ScriptConnection(masters.get(i)), keyspace, hubs.get(i), null));
		}
		return new RedlockStore(stores, masterTimeout);
	}

	@Override
	public void close() {
		for (RedisPubSubHub hub : this.hubs) {
			hub.destroy();
		}
	}

}
