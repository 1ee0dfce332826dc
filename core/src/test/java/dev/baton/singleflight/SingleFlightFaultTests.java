package dev.baton.singleflight;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.test.ChildJvm;
import dev.baton.test.RedisTestServer;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** A leader that dies mid-computation, and Redis that goes away: a flight recovers or says so, never hangs. */
class SingleFlightFaultTests {

	private final ExecutorService pool = Executors.newCachedThreadPool();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void tearDown() throws Exception {
		this.pool.shutdownNow();
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void aFollowerTakesOverWhenTheLeadersJvmIsKilledAndEveryoneGetsAValue() throws Exception {
		RedisTestServer server = RedisTestServers.shared();
		FlightInstances instances = closing(new FlightInstances(server));
		long leaseMillis = 1000;
		ChildJvm leader = closing(new ChildJvm(FlightLeaderProcess.class, server.host(), Integer.toString(server.port()),
				instances.prefix, "crash", Long.toString(leaseMillis)));
		leader.awaitLine("LEADING");
		Duration waitTimeout = Duration.ofSeconds(10);
		List<SingleFlight> survivors = List.of(instances.start((b) -> b.waitTimeout(waitTimeout)),
				instances.start((b) -> b.waitTimeout(waitTimeout)));
		AtomicInteger runs = new AtomicInteger();
		List<Future<String>> calls = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			SingleFlight flight = survivors.get(i % 2);
			calls.add(this.pool.submit(() -> flight.execute("crash", FlightOptions.of(String.class),
					() -> "survivor " + runs.incrementAndGet())));
		}
		// Both instances wait on the child's lease before it dies.
		await().atMost(Duration.ofSeconds(5)).until(() -> survivors.stream().allMatch((f) -> f.isFollowing("crash")));
		long killedAt = System.nanoTime();
		leader.kill();
		for (Future<String> call : calls) {
			assertThat(call.get(waitTimeout.toSeconds() + 5, TimeUnit.SECONDS)).isEqualTo("survivor 1");
		}
		Duration recovery = Duration.ofNanos(System.nanoTime() - killedAt);
		assertThat(runs).hasValue(1);
		assertThat(recovery).isLessThan(waitTimeout);
	}

	@Test
	void followersTimeOutAtTheirWaitTimeoutWhenTheLeaderNeverAnswers() throws Exception {
		RedisTestServer server = RedisTestServers.shared();
		FlightInstances instances = closing(new FlightInstances(server));
		// The child keeps renewing its lease and never finishes: only the wait timeout ends the wait.
		ChildJvm leader = closing(new ChildJvm(FlightLeaderProcess.class, server.host(), Integer.toString(server.port()),
				instances.prefix, "stuck", "600"));
		leader.awaitLine("LEADING");
		Duration waitTimeout = Duration.ofMillis(1500);
		SingleFlight follower = instances.start((b) -> b.waitTimeout(waitTimeout));
		long start = System.nanoTime();
		assertThatExceptionOfType(SingleFlightTimeoutException.class)
			.isThrownBy(() -> follower.execute("stuck", FlightOptions.of(String.class), () -> "never"));
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(waitTimeout)
			.isLessThan(waitTimeout.plusSeconds(2));
		leader.send("finished");
		assertThat(leader.awaitLine("DONE")).isEqualTo("DONE");
		assertThat(follower.execute("stuck", FlightOptions.of(String.class), () -> "never")).isEqualTo("finished");
	}

	@Test
	void redisGoingAwayIsAnErrorThatSaysSoNotAHang() throws Exception {
		RedisTestServer server = closing(RedisTestServers.start());
		FlightInstances instances = closing(new FlightInstances(server));
		SingleFlight flight = instances.start((b) -> b.storeTimeout(Duration.ofMillis(500)).localMaxSize(0));
		assertThat(flight.execute("down", FlightOptions.of(String.class), () -> "up")).isEqualTo("up");
		server.stop();
		assertThatExceptionOfType(SingleFlightException.class)
			.isThrownBy(() -> flight.execute("down", FlightOptions.of(String.class), () -> "never"))
			.withMessageContaining("Redis failed");
		server.start();
		await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
			.untilAsserted(() -> assertThat(flight.execute("down", FlightOptions.of(String.class), () -> "again"))
				.isEqualTo("again"));
	}

	private <T extends AutoCloseable> T closing(T closeable) {
		this.closeables.add(0, closeable);
		return closeable;
	}

}
