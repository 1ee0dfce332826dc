package dev.baton.singleflight;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.baton.BatonException;
import dev.baton.test.RedisTestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A flight in progress when the master of its key's shard is killed (a cluster of the test's own, one replica per master). */
class SingleFlightFailoverTests {

	private static final FlightOptions<String> TEXT = FlightOptions.of(String.class).waitTimeout(Duration.ofSeconds(10));

	private final RedisTestCluster cluster = RedisTestCluster.startWithReplicas(3);

	private final FlightInstances instances = new FlightInstances(this.cluster);

	private final ExecutorService pool = Executors.newCachedThreadPool();

	@AfterEach
	void tearDown() throws Exception {
		this.pool.shutdownNow();
		this.instances.close();
		this.cluster.close();
	}

	@Test
	void aFlightInProgressWhenItsMasterDiesCompletesOrFailsWithinItsWaitForLeaderAndFollower() throws Exception {
		SingleFlight leader = this.instances.start((b) -> b);
		SingleFlight follower = this.instances.start((b) -> b);
		String key = keyOnFirstMaster();
		CountDownLatch leading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Future<Object> led = this.pool.submit(() -> outcome(() -> leader.execute(key, TEXT, () -> {
			leading.countDown();
			release.await();
			return "computed";
		})));
		assertThat(leading.await(10, TimeUnit.SECONDS)).isTrue();
		Future<Object> followed = this.pool.submit(() -> outcome(() -> follower.execute(key, TEXT, () -> "own")));
		await().atMost(Duration.ofSeconds(5)).until(() -> follower.isFollowing(key));

		long start = System.nanoTime();
		this.cluster.killMaster(0);
		release.countDown();
		Object leaderOutcome = led.get(20, TimeUnit.SECONDS);
		Object followerOutcome = followed.get(20, TimeUnit.SECONDS);
		long endedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		LoggerFactory.getLogger(getClass())
			.info("Master killed during a flight: leader {}, follower {}, both done {} ms after the kill", leaderOutcome,
					followerOutcome, endedMillis);
		assertThat(leaderOutcome).as("the leader has its own result").isEqualTo("computed");
		assertThat(followerOutcome).satisfiesAnyOf((outcome) -> assertThat(outcome).isIn("computed", "own"),
				(outcome) -> assertThat(outcome).asString().startsWith("failed:"));
		// Calls for another key of the shard run on the promoted replica once this client has refreshed its
		// topology; until then they fail (a SingleFlightException, the command's timeout), never hang.
		java.util.List<Object> attempts = new java.util.ArrayList<>();
		await().atMost(Duration.ofSeconds(15)).until(() -> {
			attempts.add(outcome(() -> follower.execute(key + "-after", TEXT, () -> "after")));
			return "after".equals(attempts.get(attempts.size() - 1));
		});
		LoggerFactory.getLogger(getClass()).info("Calls for the shard after the failover: {}", attempts);
		assertThat(attempts).allMatch((attempt) -> "after".equals(attempt) || attempt.toString().startsWith("failed:"));
		assertThat(this.instances.redis().hasKey(this.instances.storeKey(key + "-after"))).as("stored on the new master").isTrue();
	}

	private static Object outcome(java.util.concurrent.Callable<String> call) {
		try {
			return call.call();
		}
		catch (BatonException ex) {
			return "failed: " + ex.getClass().getSimpleName() + ": " + ex.getMessage();
		}
		catch (Exception ex) {
			return "unexpected: " + ex;
		}
	}

	private String keyOnFirstMaster() {
		int port = this.cluster.ports().get(0);
		for (int i = 0;; i++) {
			String key = "product-" + i;
			if (this.cluster.ownerOf(this.instances.storeKey(key)) == port
					&& this.cluster.ownerOf(this.instances.storeKey(key + "-after")) == port) {
				return key;
			}
		}
	}

}
