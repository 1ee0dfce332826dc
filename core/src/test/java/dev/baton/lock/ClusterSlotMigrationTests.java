package dev.baton.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.baton.redis.RedisKeyspace;
import dev.baton.test.RedisTestCluster;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A lock's slot migrating between masters of a real cluster, on a cluster of the test's own:
 * halfway (the lock key moved, its fence not yet), Redis answers the lock's scripts
 * {@code TRYAGAIN}; a lock call then reports {@link LockUnavailableException} naming the key,
 * never a Lettuce exception, and once the slot has moved the lock works on its new master
 * with tokens that kept increasing.
 */
class ClusterSlotMigrationTests {

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	@Test
	void aLockCallDuringAMigrationReportsTheLockUnavailableAndTheLockWorksOnItsNewMaster() throws Exception {
		RedisTestCluster cluster = closeLater(RedisTestCluster.start(3));
		RedisKeyspace keyspace = new RedisKeyspace("migrating");
		String lockKey = keyspace.key(RedisLockStore.FEATURE, "sku");
		int slot = cluster.slot(lockKey);
		int fromPort = cluster.ownerOf(lockKey);
		int toPort = cluster.ports().stream().filter((port) -> port != fromPort).findFirst().orElseThrow();
		RedisCommands<String, String> from = node(fromPort);
		RedisCommands<String, String> to = node(toPort);
		RedisLockRegistry holder = registry(cluster, keyspace);
		RedisLockRegistry other = registry(cluster, keyspace);
		LockHold hold = holder.acquire("sku", Duration.ofSeconds(5), Duration.ofSeconds(1)).block(Duration.ofSeconds(10));

		to.clusterSetSlotImporting(slot, from.clusterMyId());
		from.clusterSetSlotMigrating(slot, to.clusterMyId());
		from.migrate("127.0.0.1", toPort, lockKey, 0, 5000);

		assertThatExceptionOfType(LockUnavailableException.class)
			.isThrownBy(() -> other.obtain("sku").tryLock(Duration.ofMillis(500), null))
			.withMessageContaining("'sku'");
		assertThatExceptionOfType(LockUnavailableException.class)
			.isThrownBy(() -> hold.release().block(Duration.ofSeconds(10)))
			.withMessageContaining("'sku'");

		for (String key : from.clusterGetKeysInSlot(slot, 100)) {
			from.migrate("127.0.0.1", toPort, key, 0, 5000);
		}
		for (int port : cluster.ports()) {
			node(port).clusterSetSlotNode(slot, to.clusterMyId());
		}
		// The hold's one-second lease ends on the new master; then the lock is free there.
		DistributedLock lock = other.obtain("sku");
		assertThat(lock.tryLock(Duration.ofSeconds(5), null)).isTrue();
		assertThat(lock.fencingToken()).as("the fence moved with the slot").isGreaterThan(hold.fencingToken());
		lock.unlock();
		assertThat(to.exists(lockKey + ":fence")).isOne();
	}

	private RedisLockRegistry registry(RedisTestCluster cluster, RedisKeyspace keyspace) {
		LettuceConnectionFactory factory = cluster.newConnectionFactory();
		closeLater(factory::destroy);
		return closeLater(new RedisLockRegistry(factory, keyspace, null, LockOptions.DEFAULTS));
	}

	private RedisCommands<String, String> node(int port) {
		RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
		closeLater(client::shutdown);
		StatefulRedisConnection<String, String> connection = client.connect();
		closeLater(connection);
		return connection.sync();
	}

	private <T extends AutoCloseable> T closeLater(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

}
