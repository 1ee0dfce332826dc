package dev.baton.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.baton.redis.RedisKeyspace;
import dev.baton.test.RedisTestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A master of a real three-master cluster (one replica each, a cluster of the test's own) fails
 * over while a lock on its shard is held.
 */
class ClusterFailoverTests {

	private final FailoverScenario scenario = new FailoverScenario();

	@AfterEach
	void close() throws Exception {
		this.scenario.close();
	}

	@Test
	void aHeldLockSurvivesAGracefulFailoverAndWaitersOnOtherShardsAreNotDisturbed() throws Exception {
		RedisTestCluster cluster = this.scenario.closeLater(RedisTestCluster.startWithReplicas(3));
		RedisKeyspace keyspace = new RedisKeyspace("failover");
		String failing = keyOn(cluster, keyspace, 0);
		String steady = keyOn(cluster, keyspace, 1);
		RedisLockRegistry holder = this.scenario.registry(cluster.newConnectionFactory(), keyspace);
		RedisLockRegistry other = this.scenario.registry(cluster.newConnectionFactory(), keyspace);
		LockHold held = holder.acquire(failing, Duration.ofSeconds(5), null).block(Duration.ofSeconds(10));
		LockHold blocking = holder.acquire(steady, Duration.ofSeconds(5), null).block(Duration.ofSeconds(10));
		CompletableFuture<Long> waiter = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				waiter.complete(other.withLock(steady, Duration.ofSeconds(20), () -> LockContext.fencingToken().orElseThrow()));
			}
			catch (Throwable ex) {
				waiter.completeExceptionally(ex);
			}
		});
		thread.setDaemon(true);
		thread.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> other.trackedKeys() == 1);

		long start = System.nanoTime();
		cluster.failover(0);
		long failoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

		// Two leases later the watchdog has renewed on the new master: still held, still exclusive.
		long renewedUntil = System.nanoTime() + Duration.ofSeconds(6).toNanos();
		while (System.nanoTime() < renewedUntil) {
			assertThat(other.obtain(failing).tryLock(Duration.ofMillis(500), null)).as("taken during the hold").isFalse();
		}
		assertThat(held.isValid()).isTrue();
		assertThat(waiter).as("the waiter on another shard still waits").isNotDone();
		blocking.release().block(Duration.ofSeconds(10));
		long steadyToken = waiter.get(10, TimeUnit.SECONDS);
		assertThat(steadyToken).isGreaterThan(blocking.fencingToken());

		held.release().block(Duration.ofSeconds(10));
		DistributedLock next = other.obtain(failing);
		assertThat(next.tryLock(Duration.ofSeconds(5), null)).isTrue();
		LoggerFactory.getLogger(getClass())
			.info("Graceful failover took {} ms; token before {}, after {}", failoverMillis, held.fencingToken(),
					next.fencingToken());
		assertThat(next.fencingToken()).isGreaterThan(held.fencingToken());
		next.unlock();
	}

	/**
	 * Sharded pub/sub (Redis 7.0+): the waiter follows the lock's shard channel at the master
	 * owning the slot. When that master hands the slot to its replica, it drops the subscription
	 * (pushing {@code sunsubscribe}); the waiter subscribes again at the new owner, where the
	 * release is published.
	 */
	@Test
	void aWaiterFollowingItsLocksShardChannelIsWokenByAReleaseAfterTheShardFailedOver() throws Exception {
		RedisTestCluster cluster = this.scenario.closeLater(RedisTestCluster.startWithReplicas(3));
		RedisKeyspace keyspace = new RedisKeyspace("moved");
		String key = keyOn(cluster, keyspace, 0);
		RedisLockRegistry holder = this.scenario.registry(cluster.newConnectionFactory(), keyspace);
		RedisLockRegistry waiter = this.scenario.registry(cluster.newConnectionFactory(), keyspace);
		RedisLockStore store = (RedisLockStore) waiter.store();
		assumeTrue(store.sharded(), "the cluster's masters run Redis 6: no sharded pub/sub");
		String channel = store.releaseChannel(key);
		// A fixed lease far beyond the test: only the release notice can wake the waiter in time.
		LockHold held = holder.acquire(key, Duration.ofSeconds(5), Duration.ofSeconds(90)).block(Duration.ofSeconds(10));
		CompletableFuture<Long> wokenAt = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				wokenAt.complete(waiter.withLock(key, Duration.ofSeconds(60), System::nanoTime));
			}
			catch (Throwable ex) {
				wokenAt.completeExceptionally(ex);
			}
		});
		thread.setDaemon(true);
		thread.start();
		await().atMost(Duration.ofSeconds(5)).until(() -> store.following() == 1);
		int oldOwner = cluster.ports().get(0);
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(cluster.shardSubscribers(channel)).as("subscribers before")
				.containsEntry(oldOwner, 1L));

		cluster.failover(0);
		int newOwner = cluster.ports().get(0);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(cluster.shardSubscribers(channel)).as("subscribers after the failover")
				.containsEntry(newOwner, 1L));

		long releasedAt = System.nanoTime();
		held.release().block(Duration.ofSeconds(10));
		long wakeUp = TimeUnit.NANOSECONDS.toMillis(wokenAt.get(30, TimeUnit.SECONDS) - releasedAt);
		LoggerFactory.getLogger(getClass())
			.info("Shard channel moved from port {} to {} with the failover; wake-up after the release: {} ms",
					oldOwner, newOwner, wakeUp);
		assertThat(wakeUp).as("wake-up after the release, ms (the lease had 90 s to run)").isLessThan(2000L);
		await().atMost(Duration.ofSeconds(5)).until(() -> store.following() == 0);
	}

	@Test
	void afterAMasterIsKilledTheLockIsReacquirableWithAHigherTokenAndNoCallHangs() throws Exception {
		RedisTestCluster cluster = this.scenario.closeLater(RedisTestCluster.startWithReplicas(3));
		RedisKeyspace keyspace = new RedisKeyspace("killed");
		String failing = keyOn(cluster, keyspace, 0);
		RedisLockRegistry holder = this.scenario.registry(cluster.newConnectionFactory(), keyspace);
		RedisLockRegistry other = this.scenario.registry(cluster.newConnectionFactory(), keyspace);
		LockHold held = holder.acquire(failing, Duration.ofSeconds(5), null).block(Duration.ofSeconds(10));

		DistributedLock next = other.obtain(failing);
		FailoverScenario.Reacquisition outcome = FailoverScenario.reacquireAfter(() -> cluster.killMaster(0), held, next);
		LoggerFactory.getLogger(getClass())
			.info("Master killed: replica promoted after {} ms, lock reacquired elsewhere after {} ms (kept by its holder: {}), failed calls {}, "
					+ "tokens {} -> {}, the old holder's release: {}", outcome.promotedMillis(), outcome.reacquiredMillis(),
					outcome.keptByHolder(), outcome.failures(), held.fencingToken(), next.fencingToken(), outcome.released());
		assertThat(outcome.failures()).allMatch((message) -> message.contains("'" + failing + "'"));
		next.unlock();
	}

	/** A user key whose lock lives on the master at {@code index}. */
	private static String keyOn(RedisTestCluster cluster, RedisKeyspace keyspace, int index) {
		int port = cluster.ports().get(index);
		for (int i = 0;; i++) {
			String key = "key-" + i;
			if (cluster.ownerOf(keyspace.key(RedisLockStore.FEATURE, key)) == port) {
				return key;
			}
		}
	}

}
