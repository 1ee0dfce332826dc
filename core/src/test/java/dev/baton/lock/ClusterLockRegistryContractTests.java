package dev.baton.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import dev.baton.test.RedisTestCluster;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The registry contract on a real three-master Redis Cluster: every instance has its own
 * cluster connection factory, as another JVM of the application would; plus what only a
 * cluster can show, locks whose keys live on different masters.
 */
class ClusterLockRegistryContractTests extends LockRegistryContractTests {

	private final String prefix = "cl" + System.nanoTime();

	/** Whether the instances made from now on keep plain pub/sub, as on Redis 6. */
	private boolean plainPubSub;

	@Override
	AbstractLockRegistry newInstance(LockOptions options) {
		LettuceConnectionFactory factory = RedisTestCluster.shared().newConnectionFactory();
		closeLater(factory::destroy);
		RedisPubSubHub hub = new RedisPubSubHub(factory, !this.plainPubSub);
		closeLater(hub::destroy);
		return closeLater(new RedisLockRegistry(factory, new RedisKeyspace(this.prefix), hub, options));
	}

	private static RedisLockStore redisStore(AbstractLockRegistry registry) {
		return (RedisLockStore) registry.store();
	}

	/**
	 * Waits until {@code registry}'s waiter of one key is queued and can hear the release: it
	 * follows the lock's shard channel, or, with plain pub/sub, it was subscribed all along.
	 */
	private static void awaitListening(AbstractLockRegistry registry) {
		RedisLockStore store = redisStore(registry);
		if (store.sharded()) {
			await().atMost(Duration.ofSeconds(5)).until(() -> store.following() == 1);
		}
	}

	@Test
	void aReleaseWakesTheWaiterOfAnotherInstanceOnEveryMaster() throws Exception {
		RedisTestCluster cluster = RedisTestCluster.shared();
		List<String> keys = keysOnEveryMaster(cluster);
		AbstractLockRegistry holder = instance();
		AbstractLockRegistry waiter = otherInstance();
		String channel = new RedisKeyspace(this.prefix).channel(RedisLockStore.FEATURE, "released");
		if (!redisStore(waiter).sharded()) {
			await().atMost(Duration.ofSeconds(10)).until(() -> cluster.subscribers(channel) >= 2);
		}
		List<Long> wakeUps = new ArrayList<>();
		for (int round = 0; round < 3; round++) {
			for (String key : keys) {
				HeldElsewhere held = holdElsewhere(holder.obtain(key), null);
				CompletableFuture<Long> acquiredAt = new CompletableFuture<>();
				Thread thread = start(() -> {
					DistributedLock lock = waiter.obtain(key);
					try {
						if (lock.tryLock(Duration.ofSeconds(10), null)) {
							long at = System.nanoTime();
							lock.unlock();
							acquiredAt.complete(at);
						}
						else {
							acquiredAt.completeExceptionally(new AssertionError("timed out on " + key));
						}
					}
					catch (Throwable ex) {
						acquiredAt.completeExceptionally(ex);
					}
				});
				// Queued in the store (the holder's watchdog lease is 30 s: only the release can wake it).
				await().atMost(Duration.ofSeconds(5)).until(() -> thread.getState() == Thread.State.TIMED_WAITING);
				awaitListening(waiter);
				long releasedAt = System.nanoTime();
				held.release();
				wakeUps.add(TimeUnit.NANOSECONDS.toMillis(acquiredAt.get(15, TimeUnit.SECONDS) - releasedAt));
			}
		}
		LoggerFactory.getLogger(getClass()).info("Wake-up after a release on a 3-master cluster, ms: {}", wakeUps);
		// A waiter that missed the notice would come back only when its queue entry lapses (2 s).
		assertThat(wakeUps).allMatch((millis) -> millis < 1000);
		assertThat(wakeUps.stream().sorted().toList().get(wakeUps.size() / 2)).as("median").isLessThan(200L);
		assertThat(holder.trackedKeys()).isZero();
		assertThat(waiter.trackedKeys()).isZero();
	}

	/**
	 * The baseline for sharded pub/sub (issue 17): today a release with a waiter is a plain
	 * {@code PUBLISH}, which the cluster bus forwards to every other master and which every
	 * subscribed instance receives, whether or not it waits for that key. Since then, plain
	 * pub/sub is what Redis 6 clusters (and instances told to keep it) use.
	 */
	@Test
	void aPlainReleaseNoticeCrossesTheClusterBusToEveryMasterAndReachesEveryInstance() throws Exception {
		this.plainPubSub = true;
		RedisTestCluster cluster = RedisTestCluster.shared();
		List<String> keys = keysOnEveryMaster(cluster);
		AbstractLockRegistry holder = instance();
		AbstractLockRegistry waiter = otherInstance();
		RedisKeyspace keyspace = new RedisKeyspace(this.prefix);
		String channel = keyspace.channel(RedisLockStore.FEATURE, "released");
		AtomicInteger bystanderHeard = new AtomicInteger();
		LettuceConnectionFactory bystanderFactory = cluster.newConnectionFactory();
		closeLater(bystanderFactory::destroy);
		RedisPubSubHub bystander = new RedisPubSubHub(bystanderFactory, false);
		closeLater(bystander::destroy);
		bystander.subscribe(channel, (key) -> bystanderHeard.incrementAndGet());
		await().atMost(Duration.ofSeconds(10)).until(() -> cluster.subscribers(channel) >= 3);
		long forwardedBefore = cluster.clusterStat("cluster_stats_messages_publish_received");
		int releases = 0;
		for (String key : keys) {
			HeldElsewhere held = holdElsewhere(holder.obtain(key), null);
			CompletableFuture<Boolean> taken = new CompletableFuture<>();
			start(() -> taken.complete(waiter.withLock(key, Duration.ofSeconds(10), () -> true)));
			await().atMost(Duration.ofSeconds(5)).until(() -> waiter.trackedKeys() == 1);
			held.release();
			assertThat(taken.get(15, TimeUnit.SECONDS)).isTrue();
			releases++;
		}
		int published = releases;
		await().atMost(Duration.ofSeconds(5)).until(() -> bystanderHeard.get() >= published);
		long forwarded = cluster.clusterStat("cluster_stats_messages_publish_received") - forwardedBefore;
		LoggerFactory.getLogger(getClass())
			.info("Plain PUBLISH on a 3-master cluster: {} releases with a waiter, {} bus forwards ({} per release), "
					+ "{} deliveries to an instance waiting for none of the keys", releases, forwarded,
					(double) forwarded / releases, bystanderHeard.get());
		assertThat(forwarded).as("forwards to the other masters").isEqualTo(2L * releases);
		assertThat(bystanderHeard).as("notices heard by the uninterested instance").hasValue(releases);
	}

	/**
	 * Issue 17: on a Redis Cluster of 7.0+, a release with a waiter is one {@code SPUBLISH} on
	 * the lock's shard channel, run by the master that owns the lock: nothing crosses the cluster
	 * bus, and only the instance waiting for that lock hears it.
	 */
	@Test
	void aShardedReleaseNoticeStaysOnTheShardThatOwnsTheLockAndReachesOnlyItsWaiter() throws Exception {
		RedisTestCluster cluster = RedisTestCluster.shared();
		List<String> keys = keysOnEveryMaster(cluster);
		AbstractLockRegistry holder = instance();
		AbstractLockRegistry waiter = otherInstance();
		assumeTrue(redisStore(waiter).sharded(), "the cluster's masters run Redis 6: no sharded pub/sub");
		RedisKeyspace keyspace = new RedisKeyspace(this.prefix);
		// An instance that waits for none of these keys, but listens on every master: on the plain
		// channel and on the shard channel of another key of each.
		AtomicInteger bystanderHeard = new AtomicInteger();
		LettuceConnectionFactory bystanderFactory = cluster.newConnectionFactory();
		closeLater(bystanderFactory::destroy);
		RedisPubSubHub bystander = new RedisPubSubHub(bystanderFactory);
		closeLater(bystander::destroy);
		bystander.subscribe(keyspace.channel(RedisLockStore.FEATURE, "released"), (key) -> bystanderHeard.incrementAndGet());
		for (String other : keysOnEveryMaster(cluster, "other-")) {
			bystander.follow(redisStore(waiter).releaseChannel(other), (key) -> bystanderHeard.incrementAndGet()).join();
		}
		long forwardedBefore = cluster.clusterStat("cluster_stats_messages_publish_received")
				+ cluster.clusterStat("cluster_stats_messages_publishshard_received");
		Map<Integer, Long> spublishBefore = cluster.commandCalls("spublish");
		Map<Integer, Long> publishBefore = cluster.commandCalls("publish");
		for (String key : keys) {
			HeldElsewhere held = holdElsewhere(holder.obtain(key), null);
			CompletableFuture<Boolean> taken = new CompletableFuture<>();
			start(() -> taken.complete(waiter.withLock(key, Duration.ofSeconds(10), () -> true)));
			awaitListening(waiter);
			held.release();
			assertThat(taken.get(15, TimeUnit.SECONDS)).isTrue();
			await().atMost(Duration.ofSeconds(5)).until(() -> redisStore(waiter).following() == 0);
		}
		long forwarded = cluster.clusterStat("cluster_stats_messages_publish_received")
				+ cluster.clusterStat("cluster_stats_messages_publishshard_received") - forwardedBefore;
		Map<Integer, Long> spublished = cluster.commandCallsSince("spublish", spublishBefore);
		Map<Integer, Long> published = cluster.commandCallsSince("publish", publishBefore);
		LoggerFactory.getLogger(getClass())
			.info("Sharded SPUBLISH on a 3-master cluster: {} releases with a waiter, SPUBLISH per master {}, "
					+ "PUBLISH per master {}, {} bus forwards, {} deliveries to an instance waiting for none of the keys",
					keys.size(), spublished, published, forwarded, bystanderHeard.get());
		Map<Integer, Long> onePerOwner = new java.util.LinkedHashMap<>();
		cluster.ports().forEach((port) -> onePerOwner.put(port, 1L));
		assertThat(spublished).as("SPUBLISH per master: one release of a lock each owns").isEqualTo(onePerOwner);
		assertThat(published.values()).as("plain PUBLISH per master").containsOnly(0L);
		assertThat(forwarded).as("pub/sub messages over the cluster bus").isZero();
		assertThat(bystanderHeard).as("notices heard by the uninterested instance").hasValue(0);
		assertThat(holder.trackedKeys()).isZero();
		assertThat(waiter.trackedKeys()).isZero();
	}

	/**
	 * A dropped subscription connection comes back with every followed shard channel: Lettuce
	 * subscribes a reconnected node connection's shard channels again in one {@code SSUBSCRIBE},
	 * which Redis refuses ({@code CROSSSLOT}) once they span several slots, so the hub subscribes
	 * each again itself.
	 */
	@Test
	void waitersOfTwoLocksOnOneMasterAreStillWokenAfterTheirSubscriptionConnectionWasKilled() throws Exception {
		RedisTestCluster cluster = RedisTestCluster.shared();
		AbstractLockRegistry holder = instance();
		AbstractLockRegistry waiter = otherInstance();
		RedisLockStore store = redisStore(waiter);
		assumeTrue(store.sharded(), "the cluster's masters run Redis 6: no sharded pub/sub");
		RedisKeyspace keyspace = new RedisKeyspace(this.prefix);
		int master = cluster.ports().get(0);
		List<String> keys = new ArrayList<>();
		for (int i = 0; keys.size() < 2; i++) {
			String key = "blip-" + i;
			if (cluster.ownerOf(keyspace.key(RedisLockStore.FEATURE, key)) == master) {
				keys.add(key);
			}
		}
		assertThat(cluster.slot(store.releaseChannel(keys.get(0)))).isNotEqualTo(cluster.slot(store.releaseChannel(keys.get(1))));
		List<HeldElsewhere> held = new ArrayList<>();
		List<CompletableFuture<Long>> wokenAt = new ArrayList<>();
		for (String key : keys) {
			held.add(holdElsewhere(holder.obtain(key), null));
			CompletableFuture<Long> woken = new CompletableFuture<>();
			wokenAt.add(woken);
			start(() -> {
				try {
					woken.complete(waiter.withLock(key, Duration.ofSeconds(20), System::nanoTime));
				}
				catch (Throwable ex) {
					woken.completeExceptionally(ex);
				}
			});
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> store.following() == 2);
		for (String key : keys) {
			await().atMost(Duration.ofSeconds(5))
				.until(() -> cluster.shardSubscribers(store.releaseChannel(key)).get(master) == 1L);
		}

		cluster.killPubSubConnections(master);
		for (String key : keys) {
			await("subscribed again to the channel of " + key).atMost(Duration.ofSeconds(10))
				.until(() -> cluster.shardSubscribers(store.releaseChannel(key)).get(master) == 1L);
		}

		List<Long> wakeUps = new ArrayList<>();
		for (int i = 0; i < keys.size(); i++) {
			long releasedAt = System.nanoTime();
			held.get(i).release();
			wakeUps.add(TimeUnit.NANOSECONDS.toMillis(wokenAt.get(i).get(20, TimeUnit.SECONDS) - releasedAt));
		}
		LoggerFactory.getLogger(getClass())
			.info("Wake-up after the subscription connection was killed and came back, ms: {}", wakeUps);
		// Without the notice, the waiters would come back only at the holder's lease end (30 s).
		assertThat(wakeUps).allMatch((millis) -> millis < 2000);
	}

	@Test
	void locksKeysThatWouldEndTheHashTagEarlyAndKeysSpelledLikeAHashApart() throws Exception {
		RedisTestCluster cluster = RedisTestCluster.shared();
		RedisKeyspace keyspace = new RedisKeyspace(this.prefix);
		String longKey = "k".repeat(2000);
		String hashed = keyspace.key(RedisLockStore.FEATURE, longKey);
		String spelledLikeTheHash = hashed.substring(hashed.indexOf('{') + 1, hashed.length() - 1);
		AbstractLockRegistry registry = instance();
		// (An empty key is refused by the registry; the keyspace's tests and single-flight's cover it.)
		for (String key : List.of("}", "}x", "{}", "a}b", longKey, spelledLikeTheHash)) {
			String lockKey = keyspace.key(RedisLockStore.FEATURE, key);
			assertThat(List.of(lockKey + ":fence", lockKey + ":queue", lockKey + ":lapse"))
				.as("slots of the keys of '%s'", key)
				.allMatch((other) -> cluster.slot(other) == cluster.slot(lockKey));
			// Queue and fence too: a waiter from another instance makes the release hand it over.
			HeldElsewhere held = holdElsewhere(registry.obtain(key), null);
			CompletableFuture<Long> next = new CompletableFuture<>();
			AbstractLockRegistry other = otherInstance();
			start(() -> {
				try {
					next.complete(other.withLock(key, Duration.ofSeconds(10), () -> LockContext.fencingToken().orElseThrow()));
				}
				catch (Throwable ex) {
					next.completeExceptionally(ex);
				}
			});
			await().atMost(Duration.ofSeconds(5)).until(() -> other.trackedKeys() == 1);
			held.release();
			assertThat(next.get(15, TimeUnit.SECONDS)).as("token after '%s' was handed over", key).isGreaterThan(held.token());
		}
		HeldElsewhere longOne = holdElsewhere(registry.obtain(longKey), null);
		assertThat(canTakeElsewhere(spelledLikeTheHash)).as("a key spelled like another's hash is another lock").isTrue();
		longOne.release();
		assertThat(registry.trackedKeys()).isZero();
	}

	/** One user key per master, so that each test of several keys touches every shard. */
	private List<String> keysOnEveryMaster(RedisTestCluster cluster) {
		return keysOnEveryMaster(cluster, "sku-");
	}

	private List<String> keysOnEveryMaster(RedisTestCluster cluster, String stem) {
		RedisKeyspace keyspace = new RedisKeyspace(this.prefix);
		List<String> keys = new ArrayList<>();
		List<Integer> owners = new ArrayList<>();
		for (int i = 0; owners.size() < cluster.ports().size(); i++) {
			String key = stem + i;
			int owner = cluster.ownerOf(keyspace.key(RedisLockStore.FEATURE, key));
			if (!owners.contains(owner)) {
				owners.add(owner);
				keys.add(key);
			}
		}
		return keys;
	}

}
