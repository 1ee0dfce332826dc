package dev.baton.singleflight;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.test.RedisTestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Single-flight on a real three-master Redis Cluster: every test of the one-server suite, and
 * one execution per key whichever master owns it.
 */
class SingleFlightOnClusterTests extends SingleFlightClusterTests {

	private static final FlightOptions<String> TEXT = FlightOptions.of(String.class);

	private final RedisTestCluster cluster = RedisTestCluster.shared();

	private FlightInstances instances;

	private final ExecutorService pool = Executors.newCachedThreadPool();

	@Override
	FlightInstances newInstances() {
		// Called while the superclass is built: this class's fields are not set yet.
		this.instances = new FlightInstances(RedisTestCluster.shared());
		return this.instances;
	}

	/**
	 * On a cluster each follower reads the stored result from the master owning the flight's
	 * slot through Lettuce's cluster connection once notified: up to 62 ms seen on two cores,
	 * run alone. Still two orders of magnitude below the leader's lease a follower without the
	 * notice would wait for.
	 */
	@Override
	Duration deliveryBound() {
		return Duration.ofMillis(100);
	}

	@AfterEach
	void stopPool() {
		this.pool.shutdownNow();
	}

	@Test
	void callersOnThreeInstancesRunTheLoaderOncePerKeyOnEveryMaster() throws Exception {
		List<SingleFlight> flights = List.of(this.instances.start((b) -> b), this.instances.start((b) -> b),
				this.instances.start((b) -> b));
		List<String> keys = keysOnEveryMaster();
		Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
		CountDownLatch start = new CountDownLatch(1);
		Map<String, List<Future<String>>> calls = new HashMap<>();
		for (int i = 0; i < 300; i++) {
			// A hundred callers per key, spread over the three instances.
			String key = keys.get(i % keys.size());
			SingleFlight flight = flights.get((i / keys.size()) % 3);
			calls.computeIfAbsent(key, (k) -> new ArrayList<>()).add(this.pool.submit(() -> {
				start.await();
				return flight.execute(key, TEXT, () -> {
					runs.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
					return SingleFlightClusterTests.work(Duration.ofMillis(200), key + ":" + UUID.randomUUID());
				});
			}));
		}
		start.countDown();
		for (String key : keys) {
			List<String> values = new ArrayList<>();
			for (Future<String> call : calls.get(key)) {
				values.add(call.get(30, TimeUnit.SECONDS));
			}
			assertThat(runs.get(key)).as("loader runs for %s", key).hasValue(1);
			assertThat(values).hasSize(100).containsOnly(values.get(0)).allMatch((value) -> value.startsWith(key + ":"));
			assertThat(this.instances.redis().hasKey(this.instances.storeKey(key))).as("stored result of %s", key).isTrue();
		}
	}

	@Test
	void aFollowerOnAnotherInstanceGetsTheLeadersResultOnEveryMaster() throws Exception {
		SingleFlight leader = this.instances.start((b) -> b);
		RecordingObserver observer = new RecordingObserver();
		SingleFlight follower = this.instances.start((b) -> b.observer(observer));
		for (String key : keysOnEveryMaster()) {
			leadAndFollow(leader, follower, key);
		}
		assertThat(observer.executions()).isZero();
	}

	/** {@code leader} leads a flight of {@code key} until {@code follower} follows it; both get the leader's value. */
	private void leadAndFollow(SingleFlight leader, SingleFlight follower, String key) throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch leading = new CountDownLatch(1);
		Future<String> led = this.pool.submit(() -> leader.execute(key, TEXT, () -> {
			leading.countDown();
			release.await();
			return "led:" + key;
		}));
		assertThat(leading.await(10, TimeUnit.SECONDS)).isTrue();
		Future<String> followed = this.pool.submit(() -> follower.execute(key, TEXT, () -> "followed:" + key));
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> follower.isFollowing(key));
		release.countDown();
		assertThat(led.get(10, TimeUnit.SECONDS)).isEqualTo("led:" + key);
		assertThat(followed.get(10, TimeUnit.SECONDS)).isEqualTo("led:" + key);
	}

	/**
	 * Issue 17: on a Redis Cluster of 7.0+, a completion with a follower elsewhere is one
	 * {@code SPUBLISH} on the flight's shard channel, by the master that owns the flight, and
	 * nothing crosses the cluster bus.
	 */
	@Test
	void aCompletionIsPublishedOnlyByTheMasterOwningTheFlightAndStillWakesTheFollowerElsewhere() throws Exception {
		SingleFlight leader = this.instances.start((b) -> b);
		SingleFlight follower = this.instances.start((b) -> b);
		assumeTrue(this.instances.probe().sharded(), "the cluster's masters run Redis 6: no sharded pub/sub");
		List<String> keys = keysOnEveryMaster();
		long forwardedBefore = this.cluster.clusterStat("cluster_stats_messages_publish_received")
				+ this.cluster.clusterStat("cluster_stats_messages_publishshard_received");
		Map<Integer, Long> spublishBefore = this.cluster.commandCalls("spublish");
		Map<Integer, Long> publishBefore = this.cluster.commandCalls("publish");
		for (String key : keys) {
			leadAndFollow(leader, follower, key);
		}
		long forwarded = this.cluster.clusterStat("cluster_stats_messages_publish_received")
				+ this.cluster.clusterStat("cluster_stats_messages_publishshard_received") - forwardedBefore;
		Map<Integer, Long> spublished = this.cluster.commandCallsSince("spublish", spublishBefore);
		Map<Integer, Long> published = this.cluster.commandCallsSince("publish", publishBefore);
		org.slf4j.LoggerFactory.getLogger(getClass())
			.info("Sharded flight completions on a 3-master cluster: {} flights with a follower elsewhere, SPUBLISH "
					+ "per master {}, PUBLISH per master {}, {} bus forwards", keys.size(), spublished, published,
					forwarded);
		assertThat(spublished.values()).as("SPUBLISH per master: the completion of the flight each owns")
			.containsOnly(1L);
		assertThat(published.values()).as("plain PUBLISH per master").containsOnly(0L);
		assertThat(forwarded).as("pub/sub messages over the cluster bus").isZero();
	}

	@Test
	void flightsOfKeysThatWouldBreakTheHashTagOrSpellAHashRunOnceEach() throws Exception {
		SingleFlight first = this.instances.start((b) -> b);
		SingleFlight second = this.instances.start((b) -> b);
		String longKey = "p".repeat(2000);
		String stored = this.instances.storeKey(longKey);
		String spelledLikeTheHash = stored.substring(stored.indexOf('{') + 1, stored.length() - 1);
		Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
		for (String key : List.of("", "}", "}{", longKey, spelledLikeTheHash)) {
			for (SingleFlight flight : List.of(first, second)) {
				String value = flight.execute(key, TEXT, () -> {
					runs.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
					return "v" + key.length() + key.hashCode();
				});
				assertThat(value).as("value of '%s'", key).isEqualTo("v" + key.length() + key.hashCode());
			}
			assertThat(runs.get(key)).as("loader runs for '%s'", key).hasValue(1);
		}
	}

	/** One user key per master, for a flight named as {@link FlightInstances#storeKey(String)} assumes. */
	private List<String> keysOnEveryMaster() {
		List<String> keys = new ArrayList<>();
		List<Integer> owners = new ArrayList<>();
		for (int i = 0; owners.size() < this.cluster.ports().size(); i++) {
			String key = "product-" + i;
			int owner = this.cluster.ownerOf(this.instances.storeKey(key));
			if (!owners.contains(owner)) {
				owners.add(owner);
				keys.add(key);
			}
		}
		return keys;
	}

}
