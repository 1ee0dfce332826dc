package dev.baton.redis;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.lettuce.core.cluster.RedisClusterClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.lang.Nullable;

/**
 * The one pub/sub subscription connection of a JVM: every Baton feature subscribes through it,
 * so a thousand waiters cost one connection, not a thousand. Backed by Spring Data Redis's
 * {@link RedisMessageListenerContainer}, which multiplexes channels over one connection and
 * re-subscribes after a reconnect.
 * <h2>Sharded pub/sub on a Redis Cluster of 7.0+</h2>
 * On a Redis Cluster, a plain {@code PUBLISH} goes over the cluster bus to every node, and
 * reaches every instance subscribed anywhere. When every master runs Redis 7.0 or later (probed
 * once, when the hub is created), the hub is {@link #sharded()}: the features then publish each
 * notice with {@code SPUBLISH} on a channel of the key's own slot, which stays on the shard
 * that owns the key, and an instance {@link #follow follows} a key's channel only while it
 * waits for that key. Standalone and Sentinel servers, and clusters with a 6.x master, keep
 * plain pub/sub: a single server gains nothing from sharding.
 */
public final class RedisPubSubHub implements DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(RedisPubSubHub.class);

	private final RedisMessageListenerContainer container;

	private final boolean ownsContainer;

	/** The sharded subscriptions, when the hub is {@link #sharded()}; else {@code null}. */
	@Nullable
	private final ShardChannels shards;

	/**
	 * A hub with its own container on {@code connectionFactory}, started now; sharded when the
	 * factory is a Redis Cluster whose masters all run 7.0+.
	 */
	public RedisPubSubHub(RedisConnectionFactory connectionFactory) {
		this(connectionFactory, true);
	}

	/**
	 * A hub with its own container on {@code connectionFactory}, started now.
	 * @param allowSharded whether notices may go through sharded pub/sub where the servers
	 * support it; {@code false} keeps plain pub/sub everywhere (for instance while instances of a
	 * Baton version without sharded notices still run on the same cluster)
	 */
	public RedisPubSubHub(RedisConnectionFactory connectionFactory, boolean allowSharded) {
		this.container = new RedisMessageListenerContainer();
		this.container.setConnectionFactory(connectionFactory);
		// Listeners only complete futures; running them on the dispatch thread avoids a thread per message.
		this.container.setTaskExecutor(new SyncTaskExecutor());
		this.container.afterPropertiesSet();
		this.container.start();
		this.ownsContainer = true;
		this.shards = allowSharded ? shardChannels(connectionFactory) : null;
	}

	/**
	 * A hub on a container the caller manages; sharded when the container's factory is a Redis
	 * Cluster whose masters all run 7.0+.
	 */
	public RedisPubSubHub(RedisMessageListenerContainer container) {
		this.container = container;
		this.ownsContainer = false;
		this.shards = shardChannels(container.getConnectionFactory());
	}

	/**
	 * Whether notices go through sharded pub/sub: publishers {@code SPUBLISH} on a channel in
	 * the key's slot, and waiters {@link #follow} it. Decided once, when the hub was created.
	 */
	public boolean sharded() {
		return this.shards != null;
	}

	/**
	 * Follows a shard channel (a sharded hub only): {@code listener} gets every message on it
	 * until the matching {@link #unfollow}. Follows of one channel are counted per listener; the
	 * channel is subscribed at the master owning its slot while any lasts. A subscription that a master drops when its slot moves is made again at
	 * the new owner. Does not block.
	 * @param channel a channel whose hash tag is the key's, so that it lives on the key's shard
	 * @return completes once the subscription is confirmed, or when it could not be made (the
	 * caller's timed wake-up then covers it); never fails
	 * @throws IllegalStateException if the hub is not {@link #sharded()}
	 */
	public CompletableFuture<Void> follow(String channel, Consumer<String> listener) {
		return requireShards().follow(channel, listener);
	}

	/** Ends one {@link #follow} of {@code channel} by {@code listener}; the channel's last one unsubscribes. */
	public void unfollow(String channel, Consumer<String> listener) {
		requireShards().unfollow(channel, listener);
	}

	private ShardChannels requireShards() {
		if (this.shards == null) {
			throw new IllegalStateException("This pub/sub hub uses plain pub/sub; shard channels need a Redis "
					+ "Cluster of 7.0 or later");
		}
		return this.shards;
	}

	/** The sharded subscriptions, when {@code connectionFactory} is a Redis Cluster whose masters all run 7.0+. */
	@Nullable
	private static ShardChannels shardChannels(@Nullable RedisConnectionFactory connectionFactory) {
		if (!(connectionFactory instanceof LettuceConnectionFactory lettuce) || !lettuce.isClusterAware()) {
			return null;
		}
		if (!(lettuce.getNativeClient() instanceof RedisClusterClient client)) {
			logger.warn("Redis Cluster notices use plain pub/sub: the connection factory was not started yet");
			return null;
		}
		String oldest = ServerVersions.oldestMaster(lettuce);
		if (oldest == null || ServerVersions.major(oldest) < 7) {
			logger.info("Redis Cluster notices use plain pub/sub: {}", (oldest != null)
					? "a master runs Redis " + oldest + ", sharded pub/sub needs 7.0" : "the masters' versions are unknown");
			return null;
		}
		logger.debug("Redis Cluster notices use sharded pub/sub (masters run Redis {} or later)", oldest);
		return new ShardChannels(client);
	}

	/**
	 * Calls {@code listener} with the text of every message published on {@code channel}.
	 * Listeners run on the container's dispatch threads and must not block.
	 */
	public void subscribe(String channel, Consumer<String> listener) {
		try {
			this.container.addMessageListener(dispatcher(channel, listener), new ChannelTopic(channel));
		}
		catch (RuntimeException ex) {
			// Redis is down at start-up: the container subscribes once it can; until then waiters
			// fall back to their timed wake-up.
			logger.warn("Could not subscribe to {} yet: {}", channel, ex.getMessage());
		}
	}

	private static org.springframework.data.redis.connection.MessageListener dispatcher(String channel,
			Consumer<String> listener) {
		return (message, pattern) -> {
			try {
				listener.accept(new String(message.getBody(), StandardCharsets.UTF_8));
			}
			catch (RuntimeException ex) {
				logger.warn("Listener on channel {} failed", channel, ex);
			}
		};
	}

	@Override
	public void destroy() {
		if (this.shards != null) {
			this.shards.close();
		}
		if (this.ownsContainer) {
			try {
				this.container.destroy();
			}
			catch (Exception ex) {
				logger.debug("Closing the pub/sub container failed", ex);
			}
		}
	}

}
