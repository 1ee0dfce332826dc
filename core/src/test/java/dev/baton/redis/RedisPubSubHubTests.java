package dev.baton.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.baton.test.RedisTestCluster;
import dev.baton.test.RedisTestServers;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Which pub/sub the hub chooses for each deployment, and its shard channels on a real cluster. */
class RedisPubSubHubTests {

	private final List<Runnable> closeables = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).run();
		}
	}

	@Test
	void aStandaloneServerKeepsPlainPubSub() {
		RedisPubSubHub hub = hub(RedisTestServers.shared().newConnectionFactory(), true);
		assertThat(hub.sharded()).isFalse();
		assertThatIllegalStateException().isThrownBy(() -> hub.follow("baton:lock:{k}:released", (message) -> {
		})).withMessageContaining("Redis Cluster of 7.0");
	}

	@Test
	void aClusterOf7FollowsAShardChannelOnlyAtTheMasterOwningItsSlotWhileFollowed() {
		RedisTestCluster cluster = RedisTestCluster.shared();
		RedisPubSubHub hub = hub(cluster.newConnectionFactory(), true);
		assumeTrue(hub.sharded(), "the cluster's masters run Redis 6");
		String channel = "hub:lock:{sku-1}:released";
		List<String> heard = new CopyOnWriteArrayList<>();
		List<String> heardByAnother = new CopyOnWriteArrayList<>();
		Consumer<String> listener = heard::add;
		Consumer<String> another = heardByAnother::add;
		hub.follow(channel, listener).join();
		hub.follow(channel, listener).join();
		hub.follow(channel, another).join();
		int owner = cluster.ownerOf(channel);
		assertThat(cluster.shardSubscribers(channel)).allSatisfy((port, count) -> assertThat(count)
			.as("subscribers at %d", port).isEqualTo((port == owner) ? 1L : 0L));
		spublish(cluster, channel, "sku-1");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> heard.equals(List.of("sku-1")) && heardByAnother.equals(List.of("sku-1")));
		hub.unfollow(channel, listener);
		hub.unfollow(channel, another);
		assertThat(cluster.shardSubscribers(channel)).as("still followed once").containsEntry(owner, 1L);
		hub.unfollow(channel, listener);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> cluster.shardSubscribers(channel).values().stream().allMatch((count) -> count == 0));
	}

	@Test
	void aHubToldToKeepPlainPubSubKeepsItOnAClusterOf7() {
		RedisPubSubHub hub = hub(RedisTestCluster.shared().newConnectionFactory(), false);
		assertThat(hub.sharded()).isFalse();
	}

	@Test
	void aClusterOf62KeepsPlainPubSub() {
		RedisTestCluster cluster = RedisTestCluster.startEmbedded(3);
		this.closeables.add(cluster::close);
		String version = ServerVersions.version(cluster.info("server").values().iterator().next());
		assumeTrue(version != null && ServerVersions.major(version) < 7, "the embedded binary runs " + version);
		assertThat(hub(cluster.newConnectionFactory(), true).sharded()).isFalse();
	}

	@Test
	void versionsCompareByNumberNotText() {
		assertThat(ServerVersions.compare("7.0.15", "6.2.14")).isPositive();
		assertThat(ServerVersions.compare("10.0.0", "7.2.4")).isPositive();
		assertThat(ServerVersions.compare("7.0", "7.0.0")).isZero();
		assertThat(ServerVersions.major("7.0.15")).isEqualTo(7);
		assertThat(ServerVersions.version("# Server\r\nredis_version:7.0.15\r\nredis_mode:cluster\r\n")).isEqualTo("7.0.15");
	}

	private RedisPubSubHub hub(LettuceConnectionFactory factory, boolean allowSharded) {
		this.closeables.add(factory::destroy);
		RedisPubSubHub hub = new RedisPubSubHub(factory, allowSharded);
		this.closeables.add(hub::destroy);
		return hub;
	}

	private static void spublish(RedisTestCluster cluster, String channel, String message) {
		RedisClusterClient client = RedisClusterClient.create("redis://127.0.0.1:" + cluster.ports().get(0));
		try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
			// Routed by the channel's slot, like a key.
			assertThat(connection.sync().spublish(channel, message)).isEqualTo(1L);
		}
		finally {
			client.shutdown();
		}
	}

}
