package dev.baton.test;

import java.io.File;
import java.util.Map;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class RedisTestClusterTests {

	@Test
	void spreadsTheSlotsOverThreeMastersThatAClusterClientFollows() {
		RedisTestCluster cluster = RedisTestCluster.shared();
		assertThat(cluster.ports()).hasSize(3).doesNotHaveDuplicates();
		// Slots 3300, 7365 and 15495: one in each third of the slots.
		Map<String, Integer> keys = Map.of("{b}", cluster.slot("{b}"), "{a}", cluster.slot("{a}"), "{c}",
				cluster.slot("{c}"));
		assertThat(keys.keySet().stream().map(cluster::ownerOf).distinct()).as("owners of %s", keys).hasSize(3);
		LettuceConnectionFactory factory = cluster.newConnectionFactory();
		try {
			StringRedisTemplate redis = new StringRedisTemplate(factory);
			keys.keySet().forEach((key) -> redis.opsForValue().set(key, "v" + key));
			for (String key : keys.keySet()) {
				assertThat(redis.opsForValue().get(key)).isEqualTo("v" + key);
				assertThat(existsOn(cluster.ownerOf(key), key)).as("%s on its owner", key).isTrue();
			}
			redis.delete(keys.keySet());
		}
		finally {
			factory.destroy();
		}
	}

	@Test
	void startsAClusterOfTheEmbeddedRedisJarsBinaryAndStopsItOnClose() {
		File binary = RedisTestServers.embeddedBinary().orElse(null);
		Assumptions.assumeTrue(binary != null, "the embedded-redis jar has no binary for this platform");
		RedisTestCluster cluster = RedisTestCluster.start(3, binary);
		int port;
		try {
			port = cluster.ports().get(0);
			assertThat(cluster.info("server").get(port)).contains("redis_mode:cluster");
			assertThat(cluster.info("cluster").values()).allMatch((info) -> info.contains("cluster_enabled:1"));
		}
		finally {
			cluster.close();
		}
		assertThat(answers(port)).isFalse();
	}

	/** Asked of one node directly: another node would answer MOVED. */
	private static boolean existsOn(int port, String key) {
		RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			return connection.sync().exists(key) == 1;
		}
		finally {
			client.shutdown();
		}
	}

	private static boolean answers(int port) {
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
			return true;
		}
		catch (java.io.IOException ex) {
			return false;
		}
	}

}
