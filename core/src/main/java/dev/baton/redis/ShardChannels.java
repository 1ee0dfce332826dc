package dev.baton.redis;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * This JVM's sharded pub/sub subscriptions on a Redis Cluster of 7.0+: one shard channel per key
 * that someone here waits on, each subscribed ({@code SSUBSCRIBE}) at the master owning its slot
 * only while it is followed.
 * <p>
 * Lettuce's cluster pub/sub connection routes {@code SSUBSCRIBE} and {@code SUNSUBSCRIBE} by the
 * channel's slot, to a pub/sub connection of its own per master (6.6 and 6.8 alike: the shard
 * channel is the command's key, unlike a plain channel, which goes to the default node), and
 * hands their messages to this connection's listeners.
 * <h2>Keeping subscriptions when slots move</h2>
 * A master that loses a slot (a migration or a failover) unsubscribes the slot's channels
 * itself, pushing {@code sunsubscribe}: a channel still followed is then subscribed again, and
 * Lettuce routes it to the new owner (following {@code MOVED} if its topology is stale). A node
 * connection that drops silently (its master was killed) is covered by subscribing every
 * followed channel again whenever the topology changes or a connection comes back: Lettuce's own
 * re-subscription after a reconnect sends all the node's channels in one {@code SSUBSCRIBE},
 * which fails with {@code CROSSSLOT} once they span several slots. Subscribing twice is harmless.
 */
final class ShardChannels implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ShardChannels.class);

	private final RedisClusterClient client;

	/** Followed channels; each entry changes only inside the map's per-key compute. */
	private final ConcurrentHashMap<String, Follow> follows = new ConcurrentHashMap<>();

	/**
	 * The opening of the subscription connection under way or done; {@code null} before the
	 * first follow, replaced after a failed one. Guarded by {@code this}.
	 */
	private CompletableFuture<StatefulRedisClusterPubSubConnection<String, String>> opening;

	private final Disposable events;

	ShardChannels(RedisClusterClient client) {
		this.client = client;
		this.events = client.getResources()
			.eventBus()
			.get()
			.filter((event) -> event instanceof ClusterTopologyChangedEvent || event instanceof ConnectionActivatedEvent)
			.subscribe((event) -> resubscribeAll());
	}

	/**
	 * Follows {@code channel}: {@code listener} gets each message on it until as many
	 * {@link #unfollow}s by it as follows. The future completes once the owning master confirmed
	 * the subscription, or when it could not (then it is retried by the next follow); it never fails.
	 */
	CompletableFuture<Void> follow(String channel, Consumer<String> listener) {
		Follow follow = this.follows.compute(channel, (name, current) -> {
			Follow next = (current != null) ? current : new Follow();
			next.listeners.merge(listener, 1, Integer::sum);
			if (next.subscribed == null || next.subscribed.isCompletedExceptionally()) {
				next.subscribed = subscribe(name);
			}
			return next;
		});
		return follow.subscribed.exceptionally((ex) -> null);
	}

	/** Stops one follow of {@code channel} by {@code listener}; the last follow unsubscribes. */
	void unfollow(String channel, Consumer<String> listener) {
		this.follows.computeIfPresent(channel, (name, current) -> {
			current.listeners.computeIfPresent(listener, (same, count) -> (count > 1) ? count - 1 : null);
			if (!current.listeners.isEmpty()) {
				return current;
			}
			// Sent inside the compute: a follow of the same channel right after goes out after it.
			opened().thenAccept((open) -> open.async().sunsubscribe(name));
			return null;
		});
	}

	private CompletableFuture<Void> subscribe(String channel) {
		return open().thenCompose((open) -> open.async().ssubscribe(channel).toCompletableFuture())
			.whenComplete((done, ex) -> {
				if (ex != null) {
					logger.debug("Could not subscribe to shard channel {}; waiters fall back to their timed wake-up",
							channel, ex);
				}
			});
	}

	/**
	 * The connection, opened on first use. Lettuce connects synchronously, so the opening runs on
	 * a thread meant for blocking, never on the caller's: that may be an event loop.
	 */
	private synchronized CompletableFuture<StatefulRedisClusterPubSubConnection<String, String>> open() {
		if (this.opening == null || this.opening.isCompletedExceptionally()) {
			this.opening = CompletableFuture.supplyAsync(() -> {
				StatefulRedisClusterPubSubConnection<String, String> open = this.client.connectPubSub(StringCodec.UTF8);
				open.addListener(new Dispatcher());
				return open;
			}, (task) -> Schedulers.boundedElastic().schedule(task));
		}
		return this.opening;
	}

	/** The connection if an opening was started (possibly still under way), else one that never completes. */
	private synchronized CompletableFuture<StatefulRedisClusterPubSubConnection<String, String>> opened() {
		return (this.opening != null) ? this.opening : new CompletableFuture<>();
	}

	/** Subscribes every followed channel again, one channel per command (each may live on another master). */
	private void resubscribeAll() {
		if (this.follows.isEmpty()) {
			return;
		}
		this.follows.keySet().forEach(this::resubscribe);
	}

	/**
	 * Subscribes {@code channel} again if it is still followed. Sent inside the map's compute for
	 * it, as an unfollow's unsubscribe is: an unfollow racing this (a topology event comes at any
	 * time) cannot have its unsubscribe overtaken, which would leave the channel subscribed for
	 * nobody.
	 */
	private void resubscribe(String channel) {
		this.follows.computeIfPresent(channel, (name, current) -> {
			opened().thenAccept((open) -> open.async().ssubscribe(name).exceptionally((ex) -> {
				logger.debug("Could not subscribe to shard channel {} again", name, ex);
				return null;
			}));
			return current;
		});
	}

	@Override
	public void close() {
		this.events.dispose();
		// Closed off the caller's thread: Lettuce's close can wait on a node connection that is
		// still completing its handshake (seen once hanging a test's tear-down on the cluster).
		opened().thenAccept((open) -> Schedulers.boundedElastic().schedule(open::closeAsync));
	}

	/** Hands each message to its channel's listener; subscribes again what a master dropped. */
	private final class Dispatcher extends RedisClusterPubSubAdapter<String, String> {

		@Override
		public void smessage(RedisClusterNode node, String channel, String message) {
			Follow follow = ShardChannels.this.follows.get(channel);
			if (follow == null) {
				return;
			}
			for (Consumer<String> listener : follow.listeners.keySet()) {
				try {
					listener.accept(message);
				}
				catch (RuntimeException ex) {
					logger.warn("Listener on shard channel {} failed", channel, ex);
				}
			}
		}

		@Override
		public void sunsubscribed(RedisClusterNode node, String channel, long count) {
			// Still followed: the master gave up the slot (or this JVM's own unsubscribe crossed a new follow).
			if (ShardChannels.this.follows.containsKey(channel)) {
				logger.debug("Shard channel {} was unsubscribed by {}; subscribing at the slot's owner", channel,
						(node != null) ? node.getUri() : "its master");
				resubscribe(channel);
			}
		}

	}

	/** One followed channel. */
	private static final class Follow {

		/** Who follows it, and how many times each (one lock store follows a channel once per waiting owner). */
		private final ConcurrentHashMap<Consumer<String>, Integer> listeners = new ConcurrentHashMap<>();

		/** The subscription's confirmation; replaced when it failed. */
		private volatile CompletableFuture<Void> subscribed;

	}

}
