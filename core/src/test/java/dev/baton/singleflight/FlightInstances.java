package dev.baton.singleflight;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import dev.baton.test.RedisTestCluster;
import dev.baton.test.RedisTestServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.awaitility.Awaitility.await;

/**
 * Simulated instances for tests: each {@link SingleFlight} gets its own connection factory and
 * pub/sub connection, all under one key prefix of their own.
 */
final class FlightInstances implements AutoCloseable {

	final String prefix = "sf" + System.nanoTime();

	final RedisKeyspace keyspace = new RedisKeyspace(this.prefix);

	/** The one server, or {@code null} on a cluster. */
	private final RedisTestServer server;

	/** The cluster, or {@code null} on one server. */
	private final RedisTestCluster cluster;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private int subscribers;

	FlightInstances(RedisTestServer server) {
		this.server = server;
		this.cluster = null;
	}

	/** Instances on a Redis Cluster, each with its own cluster connection factory. */
	FlightInstances(RedisTestCluster cluster) {
		this.server = null;
		this.cluster = cluster;
	}

	/** A new instance, built from a builder already pointed at Redis and this prefix. */
	SingleFlight start(UnaryOperator<SingleFlightBuilder> customizer) {
		SingleFlight flight = customizer.apply(SingleFlight.builder().redis(factory()).keyspace(this.keyspace)).build();
		this.closeables.add(flight);
		this.subscribers++;
		// Forgets stay on plain pub/sub (completions go to shard channels on a 7.0+ cluster), and the
		// hub subscribes completions first.
		awaitSubscribers(this.forgetChannel(), this.subscribers);
		return flight;
	}

	/**
	 * Calls {@code listener} with every completion of {@code key}'s flights, through a hub of the
	 * test's own, once it hears them: on the one channel of every flight, or, on a sharded hub,
	 * on the key's shard channel.
	 */
	void hearCompletions(String key, Consumer<String> listener) {
		RedisPubSubHub probe = probe();
		if (probe.sharded()) {
			probe.follow(storeKey(key) + ":done", listener).join();
			return;
		}
		probe.subscribe(doneChannel(), listener);
		awaitSubscribers(doneChannel(), this.subscribers + 1);
	}

	/** A hub of the test's own, e.g. to timestamp notifications. */
	RedisPubSubHub probe() {
		RedisPubSubHub hub = new RedisPubSubHub(factory());
		this.closeables.add(hub::destroy);
		return hub;
	}

	String doneChannel() {
		return this.keyspace.channel(SingleFlight.FEATURE, "done");
	}

	String forgetChannel() {
		return this.keyspace.channel(SingleFlight.FEATURE, "forget");
	}

	/** Where a flight named {@link FlightOptions#DEFAULT_NAME} keeps the key's result. */
	String storeKey(String key) {
		return storeKey(key, FlightOptions.DEFAULT_NAME);
	}

	String storeKey(String key, String name) {
		return this.keyspace.key(SingleFlight.FEATURE + ":" + name, key);
	}

	StringRedisTemplate redis() {
		return new StringRedisTemplate(factory());
	}

	/** Waits until {@code count} connections listen on {@code channel}: a notification sent before would be lost. */
	void awaitSubscribers(String channel, int count) {
		if (this.cluster != null) {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.subscribers(channel) >= count);
			return;
		}
		RedisClient client = RedisClient.create(this.server.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> connection.sync().pubsubNumsub(channel).getOrDefault(channel, 0L) >= count);
		}
		finally {
			client.shutdown();
		}
	}

	private LettuceConnectionFactory factory() {
		LettuceConnectionFactory factory = (this.cluster != null) ? this.cluster.newConnectionFactory()
				: this.server.newConnectionFactory();
		this.factories.add(factory);
		return factory;
	}

	@Override
	public void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

}
