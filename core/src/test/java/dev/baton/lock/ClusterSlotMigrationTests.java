package dev.baton.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

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
 * {@code TRYAGAIN}; an acquisition asks again within its wait and, if the wait runs out first,
 * reports {@link LockUnavailableException} naming the key, never a Lettuce exception; a longer
 * wait takes the lock on its new master once the slot has moved, with a token that kept
 * increasing. A release, one key, follows the migration to the key's new master meanwhile.
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
	void anAcquisitionDuringAMigrationAsksAgainWithinItsWaitAndTakesTheLockOnItsNewMaster() throws Exception {
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
		// A lease long enough to outlast the calls made while the slot is split: a lock key that
		// expired there is free, and a plain SET NX at its new master takes it.
		LockHold hold = holder.acquire("sku", Duration.ofSeconds(5), Duration.ofSeconds(5)).block(Duration.ofSeconds(10));

		to.clusterSetSlotImporting(slot, from.clusterMyId());
		from.clusterSetSlotMigrating(slot, to.clusterMyId());
		from.migrate("127.0.0.1", toPort, lockKey, 0, 5000);

		long start = System.nanoTime();
		assertThatExceptionOfType(LockUnavailableException.class)
			.isThrownBy(() -> other.obtain("sku").tryLock(Duration.ofMillis(500), null))
			.withMessageContaining("'sku'")
			.withMessageContaining("TRYAGAIN");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).as("asked again until its wait ran out")
			.isGreaterThanOrEqualTo(Duration.ofMillis(500));

		// A caller whose wait outlasts the migration asks again every few milliseconds meanwhile,
		// and takes the lock once the slot has moved.
		ExecutorService waiting = Executors.newSingleThreadExecutor();
		closeLater(waiting::shutdownNow);
		CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> {
			DistributedLock lock = other.obtain("sku");
			try {
				assertThat(lock.tryLock(Duration.ofSeconds(20), null)).isTrue();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
			try {
				return lock.fencingToken();
			}
			finally {
				lock.unlock();
			}
		}, waiting);
		Thread.sleep(300);
		assertThat(waiter).as("still asking while the slot is split").isNotDone();
		// The release of a hold nobody queued for is a compare-and-delete of the lock key alone,
		// which follows the migration's ASK redirection to the key's new master.
		hold.release().block(Duration.ofSeconds(10));
		to.asking();
		assertThat(to.exists(lockKey)).as("deleted at its new master").isZero();
		Thread.sleep(300);
		assertThat(waiter).as("its fence has not moved yet: still asking").isNotDone();

		for (String key : from.clusterGetKeysInSlot(slot, 100)) {
			from.migrate("127.0.0.1", toPort, key, 0, 5000);
		}
		for (int port : cluster.ports()) {
			node(port).clusterSetSlotNode(slot, to.clusterMyId());
		}
		// Released already: the waiter takes the lock as soon as the slot has moved.
		assertThat(waiter.get(20, TimeUnit.SECONDS)).as("the fence moved with the slot")
			.isGreaterThan(hold.fencingToken());
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
