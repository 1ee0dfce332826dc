package dev.baton.singleflight;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.singleflight.SingleFlightObserver.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** One JVM, no Redis: L1 and coalescing. */
class SingleFlightLocalTests {

	private static final FlightOptions<String> TEXT = FlightOptions.of(String.class);

	private final ExecutorService pool = Executors.newCachedThreadPool();

	private final RecordingObserver observer = new RecordingObserver();

	private final SingleFlight flights = SingleFlight.builder().observer(this.observer).build();

	@AfterEach
	void tearDown() {
		this.pool.shutdownNow();
	}

	@Test
	void concurrentCallersOfOneKeyShareOneExecution() throws Exception {
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		List<Future<String>> calls = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			calls.add(this.pool.submit(() -> this.flights.execute("k", TEXT, () -> {
				runs.incrementAndGet();
				release.await();
				return "one";
			})));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.flights.joined("k") == 19);
		release.countDown();
		for (Future<String> call : calls) {
			assertThat(call.get(5, TimeUnit.SECONDS)).isEqualTo("one");
		}
		assertThat(runs).hasValue(1);
		assertThat(this.observer.calls(Outcome.LEADER)).isEqualTo(1);
		assertThat(this.observer.calls(Outcome.COALESCED)).isEqualTo(19);
	}

	@Test
	void theLeadersExceptionReachesEveryCallerInTheJvmAsTheSameInstance() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		IllegalStateException failure = new IllegalStateException("boom");
		Future<String> leader = this.pool.submit(() -> this.flights.execute("fails", TEXT, () -> {
			release.await();
			throw failure;
		}));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.observer.executions() == 1);
		Future<String> follower = this.pool.submit(() -> this.flights.execute("fails", TEXT, () -> "not run"));
		CompletableFuture<String> async = this.flights.executeAsync("fails", TEXT,
				() -> CompletableFuture.completedFuture("not run"));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.flights.joined("fails") == 2);
		release.countDown();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> leader.get(5, TimeUnit.SECONDS))
			.withCause(failure);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> follower.get(5, TimeUnit.SECONDS))
			.withCause(failure);
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> async.get(5, TimeUnit.SECONDS))
			.withCause(failure);
		// Not cached (errorTtl 0): the next call runs.
		assertThat(this.flights.execute("fails", TEXT, () -> "recovered")).isEqualTo("recovered");
	}

	@Test
	void aCheckedExceptionIsWrappedWithTheOriginalAsCause() {
		IOException failure = new IOException("disk");
		assertThatExceptionOfType(SingleFlightException.class)
			.isThrownBy(() -> this.flights.execute("checked", TEXT, () -> {
				throw failure;
			}))
			.withCause(failure)
			.satisfies((ex) -> assertThat(ex.getKey()).isEqualTo("checked"));
	}

	@Test
	void theLocalCacheAnswersRepeatedCallsForItsLifetime() {
		assertThat(this.flights.execute("cached", TEXT, () -> "first")).isEqualTo("first");
		assertThat(this.flights.execute("cached", TEXT, () -> "second")).isEqualTo("first");
		assertThat(this.observer.calls(Outcome.L1_HIT)).isEqualTo(1);
		FlightOptions<String> brief = TEXT.localTtl(Duration.ofMillis(50));
		assertThat(this.flights.execute("brief", brief, () -> "first")).isEqualTo("first");
		await().atMost(Duration.ofSeconds(5))
			.until(() -> "later".equals(this.flights.execute("brief", brief, () -> "later")));
	}

	@Test
	void aCallerAskingForAnotherTypeDoesNotGetTheCachedCopy() {
		assertThat(this.flights.execute("typed", TEXT, () -> "text")).isEqualTo("text");
		assertThat(this.flights.execute("typed", FlightOptions.of(Integer.class), () -> 42)).isEqualTo(42);
	}

	@Test
	void aCoalescedCallerGivesUpAtItsWaitTimeout() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		Future<String> leader = this.pool.submit(() -> this.flights.execute("slow", TEXT, () -> {
			release.await();
			return "late";
		}));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.observer.executions() == 1);
		assertThatExceptionOfType(SingleFlightTimeoutException.class)
			.isThrownBy(() -> this.flights.execute("slow", TEXT.waitTimeout(Duration.ofMillis(100)), () -> "never"));
		StepVerifier.create(this.flights.executeReactive("slow", TEXT.waitTimeout(Duration.ofMillis(100)),
				() -> Mono.just("never")))
			.expectError(SingleFlightTimeoutException.class)
			.verify(Duration.ofSeconds(5));
		release.countDown();
		assertThat(leader.get(5, TimeUnit.SECONDS)).isEqualTo("late");
		assertThat(this.observer.calls(Outcome.TIMEOUT)).isEqualTo(2);
	}

	@Test
	void reactiveCallersShareOneSubscriptionOfTheLoader() {
		AtomicInteger subscriptions = new AtomicInteger();
		Mono<String> loader = Mono.fromCallable(() -> "shared")
			.delaySubscription(Duration.ofMillis(100))
			.doOnSubscribe((s) -> subscriptions.incrementAndGet());
		Mono<String> call = this.flights.executeReactive("reactive", TEXT, () -> loader);
		StepVerifier.create(Mono.zip(call, call.subscribeOn(Schedulers.parallel()), call))
			.assertNext((results) -> assertThat(List.of(results.getT1(), results.getT2(), results.getT3()))
				.containsOnly("shared"))
			.verifyComplete();
		assertThat(subscriptions).hasValue(1);
	}

	@Test
	void anEmptyMonoIsANullResult() {
		StepVerifier.create(this.flights.executeReactive("empty", TEXT, Mono::empty)).verifyComplete();
		assertThat(this.flights.execute("empty", TEXT, () -> "not run")).isNull();
	}

	@Test
	void rejectsABadOptionNamingIt() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> TEXT.waitTimeout(Duration.ZERO))
			.withMessageContaining("waitTimeout");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> SingleFlight.builder().leaseTime(Duration.ofMillis(1)))
			.withMessageContaining("leaseTime");
	}

}
