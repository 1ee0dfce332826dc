package dev.baton.singleflight;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.singleflight.SingleFlightObserver.Outcome;
import dev.baton.test.ChildJvm;
import dev.baton.test.RedisTestServer;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.RedisCallback;

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

	@Test
	void pendingWakeUpsDoNotGrowWhileRedisIsDown() throws Exception {
		RedisTestServer server = closing(RedisTestServers.start());
		FlightInstances instances = closing(new FlightInstances(server));
		// A breaker that lets nearly every call ask Redis: this is about what asking leaves behind.
		SingleFlight flight = instances.start((b) -> b.storeTimeout(Duration.ofMillis(300))
			.storeRetryInterval(Duration.ofMillis(1))
			.localMaxSize(0));
		assertThat(flight.execute("warm", FlightOptions.of(String.class), () -> "up")).isEqualTo("up");
		server.stop();
		// Waits cancelled before Redis answered leave nothing behind.
		Flux.range(0, 1_000)
			.flatMap((i) -> flight.executeReactive("cancelled-" + i, FlightOptions.of(String.class), () -> Mono.just("x"))
				.timeout(Duration.ofMillis(50), Mono.empty())
				.onErrorResume(SingleFlightException.class, (ex) -> Mono.empty()), 1_000)
			.blockLast(Duration.ofSeconds(60));
		// All at once, so that every call asks Redis before the first one has failed.
		List<Throwable> errors = Flux.range(0, 10_000)
			.flatMap((i) -> flight.executeReactive("key-" + i, FlightOptions.of(String.class), () -> Mono.just("never"))
				.then(Mono.<Throwable>empty())
				.onErrorResume(Mono::just), 10_000)
			.collectList()
			.block(Duration.ofSeconds(60));
		assertThat(errors).hasSize(10_000).allSatisfy((ex) -> assertThat(ex).isInstanceOf(SingleFlightException.class));
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(flight.pending()).containsExactly(0, 0));
	}

	@Test
	void continuationsOfAFlightEndedByADeadlineDoNotRunOnTheTimerThread() throws Exception {
		RedisTestServer server = closing(RedisTestServers.start());
		FlightInstances instances = closing(new FlightInstances(server));
		SingleFlight flight = instances.start((b) -> b.storeTimeout(Duration.ofMillis(200))
			.maxFlightTime(Duration.ofMillis(200))
			.localMaxSize(0));
		// The store timeout ends it: Redis does not answer for two seconds.
		instances.redis().execute((RedisCallback<Object>) (connection) -> connection.execute("CLIENT",
				"PAUSE".getBytes(StandardCharsets.UTF_8), "2000".getBytes(StandardCharsets.UTF_8)));
		String storeTimedOut = flight.executeReactive("paused", FlightOptions.of(String.class), () -> Mono.just("x"))
			.onErrorResume((ex) -> Mono.just(Thread.currentThread().getName()))
			.block(Duration.ofSeconds(10));
		assertThat(storeTimedOut).isNotEqualTo("baton-timer");
		// The maximum flight time ends it: the loader never answers.
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
			.until(() -> "up".equals(flight.execute("up", FlightOptions.of(String.class), () -> "up")));
		String abandoned = flight.executeReactive("hung", FlightOptions.of(String.class), Mono::<String>never)
			.onErrorResume((ex) -> Mono.just(Thread.currentThread().getName()))
			.block(Duration.ofSeconds(10));
		assertThat(abandoned).isNotEqualTo("baton-timer");
	}

	@Test
	void withRedisStoppedRunLocallyFlightsGetTheLoadersValueCountedDegradedAndTheWaitIsPaidOnce() throws Exception {
		RedisTestServer server = closing(RedisTestServers.start());
		FlightInstances instances = closing(new FlightInstances(server));
		RecordingObserver observer = new RecordingObserver();
		Duration storeTimeout = Duration.ofMillis(500);
		SingleFlight flight = instances.start((b) -> b.storeTimeout(storeTimeout)
			.storeRetryInterval(Duration.ofSeconds(30))
			.onStoreFailure(OnStoreFailure.RUN_LOCALLY)
			.observer(observer)
			.localMaxSize(0));
		assertThat(flight.execute("stock", FlightOptions.of(String.class), () -> "up")).isEqualTo("up");
		server.stop();
		long start = System.nanoTime();
		assertThat(flight.execute("stock", FlightOptions.of(String.class), () -> "local")).isEqualTo("local");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(storeTimeout.plusMillis(500));
		// A call that waited for Redis would take the store timeout at least.
		long longest = 0;
		for (int i = 0; i < 100; i++) {
			long callStart = System.nanoTime();
			assertThat(flight.execute("stock-" + i, FlightOptions.of(String.class), () -> "local")).isEqualTo("local");
			longest = Math.max(longest, System.nanoTime() - callStart);
		}
		assertThat(Duration.ofNanos(longest)).as("after the first failure nobody waits for Redis")
			.isLessThan(storeTimeout);
		assertThat(observer.calls(Outcome.DEGRADED)).isEqualTo(101);
		// Coalesced inside this JVM: concurrent callers share one run.
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		List<Future<String>> calls = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			calls.add(this.pool.submit(() -> flight.execute("shared", FlightOptions.of(String.class), () -> {
				runs.incrementAndGet();
				release.await();
				return "once";
			})));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> flight.joined("shared") == 9);
		release.countDown();
		for (Future<String> call : calls) {
			assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("once");
		}
		assertThat(runs).hasValue(1);
	}

	@Test
	void withRedisStoppedFailFlightsFailWithTheStoreErrorWithinTheStoreTimeoutPaidOnce() throws Exception {
		RedisTestServer server = closing(RedisTestServers.start());
		FlightInstances instances = closing(new FlightInstances(server));
		Duration storeTimeout = Duration.ofMillis(500);
		SingleFlight flight = instances.start((b) -> b.storeTimeout(storeTimeout)
			.storeRetryInterval(Duration.ofSeconds(30))
			.localMaxSize(0));
		assertThat(flight.execute("order", FlightOptions.of(String.class), () -> "up")).isEqualTo("up");
		server.stop();
		long start = System.nanoTime();
		assertThatExceptionOfType(SingleFlightException.class)
			.isThrownBy(() -> flight.execute("order", FlightOptions.of(String.class), () -> "not run"))
			.withMessageContaining("Redis failed")
			.satisfies((ex) -> assertThat(ex.isStoreFailure()).isTrue());
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(storeTimeout.plusMillis(500));
		long rest = System.nanoTime();
		for (int i = 0; i < 100; i++) {
			String key = "order-" + i;
			assertThatExceptionOfType(SingleFlightException.class)
				.isThrownBy(() -> flight.execute(key, FlightOptions.of(String.class), () -> "not run"))
				.satisfies((ex) -> assertThat(ex.isStoreFailure()).isTrue());
		}
		assertThat(Duration.ofNanos(System.nanoTime() - rest)).isLessThan(storeTimeout);
		// A flight may run locally instead, whatever the default.
		assertThat(flight.execute("order", FlightOptions.of(String.class).onStoreFailure(OnStoreFailure.RUN_LOCALLY),
				() -> "local")).isEqualTo("local");
	}

	@Test
	void theBreakerLetsOneCallTryRedisAgainAfterTheRetryInterval() throws Exception {
		RedisTestServer server = closing(RedisTestServers.start());
		FlightInstances instances = closing(new FlightInstances(server));
		SingleFlight flight = instances.start((b) -> b.storeTimeout(Duration.ofMillis(300))
			.storeRetryInterval(Duration.ofMillis(200))
			.localMaxSize(0));
		server.stop();
		assertThatExceptionOfType(SingleFlightException.class)
			.isThrownBy(() -> flight.execute("back", FlightOptions.of(String.class), () -> "not run"));
		server.start();
		await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
			.untilAsserted(() -> assertThat(flight.execute("back", FlightOptions.of(String.class), () -> "again"))
				.isEqualTo("again"));
	}

	private <T extends AutoCloseable> T closing(T closeable) {
		this.closeables.add(0, closeable);
		return closeable;
	}

}
