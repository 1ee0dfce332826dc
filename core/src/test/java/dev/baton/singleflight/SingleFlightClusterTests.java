package dev.baton.singleflight;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.baton.singleflight.SingleFlightObserver.Outcome;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** Several instances on one real Redis: one execution per key, results and failures shared, nobody waits forever. */
class SingleFlightClusterTests {

	private static final FlightOptions<String> TEXT = FlightOptions.of(String.class);

	private final FlightInstances instances = newInstances();

	private final ExecutorService pool = Executors.newCachedThreadPool();

	/** Where this suite's instances run: one Redis here, a Redis Cluster in a subclass. */
	FlightInstances newInstances() {
		return new FlightInstances(RedisTestServers.shared());
	}

	@AfterEach
	void tearDown() throws Exception {
		this.pool.shutdownNow();
		this.instances.close();
	}

	@Test
	void threeHundredBlockingCallersOnThreeInstancesRunTheLoaderOnceAndGetOneValue() throws Exception {
		List<SingleFlight> flights = List.of(this.instances.start((b) -> b), this.instances.start((b) -> b),
				this.instances.start((b) -> b));
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch start = new CountDownLatch(1);
		List<Future<String>> calls = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			SingleFlight flight = flights.get(i % 3);
			calls.add(this.pool.submit(() -> {
				start.await();
				return flight.execute("cold", TEXT, () -> {
					runs.incrementAndGet();
					return work(Duration.ofMillis(200), UUID.randomUUID().toString());
				});
			}));
		}
		start.countDown();
		List<String> values = new ArrayList<>();
		for (Future<String> call : calls) {
			values.add(call.get(30, TimeUnit.SECONDS));
		}
		assertThat(runs).hasValue(1);
		assertThat(values).hasSize(300).containsOnly(values.get(0));
	}

	/**
	 * The times compared are the leader's notification, as a separate subscriber receives it,
	 * and the moment each caller's result is delivered (its future's completion), so that the
	 * figure is the flight's own latency, not the operating system's time to schedule 300
	 * threads on a busy machine.
	 */
	@Test
	@Tag("timing")
	void threeHundredCallersOnThreeInstancesGetTheResultWithin50MsOfTheNotification() throws Exception {
		List<SingleFlight> flights = List.of(this.instances.start((b) -> b), this.instances.start((b) -> b),
				this.instances.start((b) -> b));
		AtomicLong notifiedAt = new AtomicLong();
		this.instances.hearCompletions("cold", (notice) -> notifiedAt.compareAndSet(0, System.nanoTime()));
		AtomicInteger runs = new AtomicInteger();
		AtomicLong lastDelivered = new AtomicLong();
		List<CompletableFuture<String>> calls = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			calls.add(flights.get(i % 3).executeAsync("cold", TEXT, () -> CompletableFuture.supplyAsync(() -> {
				runs.incrementAndGet();
				return UUID.randomUUID().toString();
			}, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS)))
				.whenComplete((value, error) -> lastDelivered.accumulateAndGet(System.nanoTime(), Math::max)));
		}
		List<String> values = new ArrayList<>();
		for (CompletableFuture<String> call : calls) {
			values.add(call.get(30, TimeUnit.SECONDS));
		}
		assertThat(runs).hasValue(1);
		assertThat(values).hasSize(300).containsOnly(values.get(0));
		// The probe hears the notification on its own dispatch thread, possibly after the callers
		// in the leader's JVM (who need no notification) already have their value.
		await().atMost(Duration.ofSeconds(5)).until(() -> notifiedAt.get() > 0);
		assertThat(Duration.ofNanos(lastDelivered.get() - notifiedAt.get())).isLessThanOrEqualTo(deliveryBound());
	}

	/**
	 * How soon after the leader's notification every caller has the result: 50 ms on one
	 * server. A follower that missed the notification would wait for the leader's lease (10 s).
	 */
	Duration deliveryBound() {
		return Duration.ofMillis(50);
	}

	@Test
	void aFollowerOnAnotherInstanceGetsTheStoredResultAfterTheNotification() throws Exception {
		RecordingObserver observer = new RecordingObserver();
		SingleFlight leader = this.instances.start((b) -> b);
		SingleFlight follower = this.instances.start((b) -> b.observer(observer));
		CountDownLatch release = new CountDownLatch(1);
		Future<String> led = leading(leader, "k", release, () -> "from-leader");
		Future<String> followed = this.pool.submit(() -> follower.execute("k", TEXT, () -> "from-follower"));
		await().atMost(Duration.ofSeconds(5)).until(() -> follower.isFollowing("k"));
		release.countDown();
		assertThat(led.get(10, TimeUnit.SECONDS)).isEqualTo("from-leader");
		assertThat(followed.get(10, TimeUnit.SECONDS)).isEqualTo("from-leader");
		assertThat(observer.executions()).isZero();
		assertThat(observer.calls(Outcome.FOLLOWER)).isEqualTo(1);
	}

	@Test
	void followersGetResultsTooLargeToTravelWithTheNotificationAndMultiLineErrors() throws Exception {
		SingleFlight leader = this.instances.start((b) -> b);
		RecordingObserver observer = new RecordingObserver();
		SingleFlight follower = this.instances.start((b) -> b.observer(observer));
		String large = "x".repeat(RedisFlightStore.INLINE_LIMIT * 3);
		CountDownLatch release = new CountDownLatch(1);
		Future<String> led = leading(leader, "large", release, () -> large);
		Future<String> followed = this.pool.submit(() -> follower.execute("large", TEXT, () -> "not run"));
		await().atMost(Duration.ofSeconds(5)).until(() -> follower.isFollowing("large"));
		release.countDown();
		assertThat(led.get(10, TimeUnit.SECONDS)).isEqualTo(large);
		assertThat(followed.get(10, TimeUnit.SECONDS)).isEqualTo(large);
		CountDownLatch fail = new CountDownLatch(1);
		Future<String> failing = leading(leader, "multi-line", fail, () -> {
			throw new IllegalArgumentException("first line\nsecond line");
		});
		Future<String> failed = this.pool.submit(() -> follower.execute("multi-line", TEXT, () -> "not run"));
		await().atMost(Duration.ofSeconds(5)).until(() -> follower.isFollowing("multi-line"));
		fail.countDown();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> failing.get(10, TimeUnit.SECONDS));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> failed.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(SingleFlightException.class,
					(ex) -> assertThat(ex.getErrorMessage()).isEqualTo("first line\nsecond line"));
		assertThat(observer.calls(Outcome.FOLLOWER)).isEqualTo(1);
		assertThat(observer.calls(Outcome.ERROR)).isEqualTo(1);
		assertThat(observer.executions()).isZero();
	}

	@Test
	void nobodyWaitsPastTheWaitTimeoutWhileTheLeaderStillComputes() throws Exception {
		SingleFlight leader = this.instances.start((b) -> b);
		SingleFlight follower = this.instances.start((b) -> b.waitTimeout(Duration.ofMillis(300)));
		CountDownLatch release = new CountDownLatch(1);
		Future<String> led = leading(leader, "slow", release, () -> "late");
		long start = System.nanoTime();
		assertThatExceptionOfType(SingleFlightTimeoutException.class)
			.isThrownBy(() -> follower.execute("slow", TEXT, () -> "follower ran"))
			.satisfies((ex) -> {
				assertThat(ex.getKey()).isEqualTo("slow");
				assertThat(ex.getWaited()).isEqualTo(Duration.ofMillis(300));
			});
		Duration waited = Duration.ofNanos(System.nanoTime() - start);
		assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(3));
		release.countDown();
		assertThat(led.get(10, TimeUnit.SECONDS)).isEqualTo("late");
		assertThat(follower.execute("slow", TEXT, () -> "follower ran")).isEqualTo("late");
	}

	@Test
	void theLeadersExceptionReachesFollowersElsewhereAndTheNextCallRetries() throws Exception {
		SingleFlight leader = this.instances.start((b) -> b);
		SingleFlight follower = this.instances.start((b) -> b);
		Future<String> followed = failWhileFollowing(leader, follower, "fails");
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> followed.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(SingleFlightException.class, (ex) -> {
				assertThat(ex.getErrorType()).isEqualTo(IllegalStateException.class.getName());
				assertThat(ex.getErrorMessage()).isEqualTo("boom");
				assertThat(ex.getKey()).isEqualTo("fails");
				assertThat(ex.getMessage()).contains("IllegalStateException: boom");
			});
		// errorTtl 0: the failure was not stored, so the next call runs the loader again.
		assertThat(follower.execute("fails", TEXT, () -> "recovered")).isEqualTo("recovered");
		assertThat(leader.execute("fails", TEXT, () -> "not run")).isEqualTo("recovered");
	}

	@Test
	void aPositiveErrorTtlStoresTheFailureForLaterCallers() throws Exception {
		SingleFlight leader = this.instances.start((b) -> b.errorTtl(Duration.ofMinutes(1)));
		SingleFlight other = this.instances.start((b) -> b);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> leader.execute("cached-failure", TEXT, () -> {
			throw new IllegalStateException("boom");
		}));
		AtomicInteger runs = new AtomicInteger();
		assertThatExceptionOfType(SingleFlightException.class)
			.isThrownBy(() -> other.execute("cached-failure", TEXT, () -> "run " + runs.incrementAndGet()))
			.satisfies((ex) -> assertThat(ex.getErrorType()).isEqualTo(IllegalStateException.class.getName()));
		assertThat(runs).hasValue(0);
	}

	@Test
	void followersConfiguredToRetryRunTheLoaderThemselvesOnce() throws Exception {
		SingleFlight leader = this.instances.start((b) -> b);
		SingleFlight follower = this.instances.start((b) -> b.followersRetryOnError(true));
		Future<String> followed = failWhileFollowing(leader, follower, "retried");
		assertThat(followed.get(10, TimeUnit.SECONDS)).isEqualTo("follower's own");
	}

	@Test
	void anUnreadableStoredValueIsRecomputedAndCountedWithoutAnException() throws Exception {
		SingleFlight writer = this.instances.start((b) -> b);
		RecordingObserver observer = new RecordingObserver();
		SingleFlight reader = this.instances.start((b) -> b.observer(observer));
		FlightOptions<Product> options = FlightOptions.of(Product.class);
		writer.execute("corrupt", options, () -> new Product("sku-1", "Lamp", 30));
		this.instances.redis().opsForHash().put(this.instances.storeKey("corrupt"), "value", "{\"sku\": [not json");
		assertThat(reader.execute("corrupt", options, () -> new Product("sku-1", "Lamp", 31)))
			.isEqualTo(new Product("sku-1", "Lamp", 31));
		assertThat(observer.unreadable()).isEqualTo(1);
		assertThat(observer.executions()).isEqualTo(1);
		// The recomputed value replaced the unreadable one.
		assertThat(this.instances.start((b) -> b).execute("corrupt", options, () -> null))
			.isEqualTo(new Product("sku-1", "Lamp", 31));
	}

	@Test
	void forgetRemovesTheStoredResultAndEveryInstancesLocalCopy() throws Exception {
		SingleFlight first = this.instances.start((b) -> b.localTtl(Duration.ofMinutes(1)));
		SingleFlight second = this.instances.start((b) -> b.localTtl(Duration.ofMinutes(1)));
		assertThat(first.execute("forgotten", TEXT, () -> "v1")).isEqualTo("v1");
		assertThat(second.execute("forgotten", TEXT, () -> "not run")).isEqualTo("v1");
		first.forget("forgotten");
		assertThat(this.instances.redis().hasKey(this.instances.storeKey("forgotten"))).isFalse();
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(second.execute("forgotten", TEXT, () -> "v2")).isEqualTo("v2"));
		assertThat(first.execute("forgotten", TEXT, () -> "v3")).isEqualTo("v2");
	}

	@Test
	void nullsAreStoredOnlyWhenCacheNullsIsOn() throws Exception {
		SingleFlight first = this.instances.start((b) -> b.localTtl(Duration.ZERO));
		SingleFlight second = this.instances.start((b) -> b.localTtl(Duration.ZERO));
		assertThat(first.execute("null-cached", TEXT, () -> null)).isNull();
		assertThat(second.execute("null-cached", TEXT, () -> "not run")).isNull();
		FlightOptions<String> noNulls = TEXT.cacheNulls(false);
		assertThat(first.execute("null-not-cached", noNulls, () -> null)).isNull();
		assertThat(second.execute("null-not-cached", noNulls, () -> "run")).isEqualTo("run");
	}

	@Test
	void reactiveAndAsyncCallersOfSeveralInstancesShareOneExecution() throws Exception {
		SingleFlight reactive = this.instances.start((b) -> b);
		SingleFlight async = this.instances.start((b) -> b);
		AtomicInteger runs = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		var fromMono = reactive.executeReactive("mixed", TEXT, () -> reactor.core.publisher.Mono.fromCallable(() -> {
			runs.incrementAndGet();
			release.await();
			return "shared";
		}).subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())).toFuture();
		await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
		var fromFuture = async.executeAsync("mixed", TEXT, () -> java.util.concurrent.CompletableFuture.supplyAsync(() -> {
			runs.incrementAndGet();
			return "second run";
		}));
		release.countDown();
		assertThat(fromMono.get(10, TimeUnit.SECONDS)).isEqualTo("shared");
		assertThat(fromFuture.get(10, TimeUnit.SECONDS)).isEqualTo("shared");
		assertThat(runs).hasValue(1);
	}

	@Test
	void blockingLoadersRunOnTheCallersThreadAndAsyncOnesNeverOnRedisIoThreads() throws Exception {
		SingleFlight flight = this.instances.start((b) -> b);
		assertThat(flight.execute("thread", TEXT, () -> Thread.currentThread().getName()))
			.isEqualTo(Thread.currentThread().getName());
		String asyncThread = flight
			.executeAsync("async-thread", TEXT,
					() -> java.util.concurrent.CompletableFuture.completedFuture(Thread.currentThread().getName()))
			.get(10, TimeUnit.SECONDS);
		assertThat(asyncThread).startsWith("boundedElastic");
	}

	@Test
	void aHungLoaderIsAbandonedAtItsMaxFlightTimeAndTheKeyIsFreeOnEveryInstance() throws Exception {
		Duration maxFlightTime = Duration.ofMillis(600);
		SingleFlight hung = this.instances.start((b) -> b.maxFlightTime(maxFlightTime).leaseTime(Duration.ofSeconds(3)));
		SingleFlight other = this.instances.start((b) -> b.waitTimeout(Duration.ofSeconds(20)));
		CountDownLatch never = new CountDownLatch(1);
		long start = System.nanoTime();
		Future<String> leader = leading(hung, "hung", never, () -> "too late");
		Future<String> joined = this.pool.submit(() -> hung.execute("hung", TEXT, () -> "not run"));
		Future<String> followed = this.pool.submit(() -> other.execute("hung", TEXT, () -> "fresh"));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> joined.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(SingleFlightTimeoutException.class,
					(ex) -> assertThat(ex).hasMessageContaining("'hung'").hasMessageContaining("maxFlightTime"));
		Duration answered = Duration.ofNanos(System.nanoTime() - start);
		assertThat(answered).isGreaterThanOrEqualTo(maxFlightTime).isLessThan(maxFlightTime.plusSeconds(2));
		// The other instance's caller did not wait for the hung leader's lease: it led and ran its own loader.
		assertThat(followed.get(10, TimeUnit.SECONDS)).isEqualTo("fresh");
		assertThat(hung.execute("hung", TEXT, () -> "again")).isEqualTo("fresh");
		never.countDown();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> leader.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(SingleFlightTimeoutException.class);
		// What the hung loader returned in the end was not stored.
		assertThat(other.execute("hung", TEXT, () -> "not run")).isEqualTo("fresh");
	}

	@Test
	void aHungReactiveLoaderIsCancelledAtItsMaxFlightTime() {
		SingleFlight flight = this.instances.start((b) -> b.maxFlightTime(Duration.ofMillis(300)));
		AtomicInteger cancelled = new AtomicInteger();
		assertThatExceptionOfType(SingleFlightTimeoutException.class)
			.isThrownBy(() -> flight.executeReactive("hung-mono", TEXT,
					() -> reactor.core.publisher.Mono.<String>never().doOnCancel(cancelled::incrementAndGet))
				.block(Duration.ofSeconds(10)))
			.withMessageContaining("'hung-mono'");
		assertThat(cancelled).hasValue(1);
		assertThat(this.instances.redis().hasKey(this.instances.storeKey("hung-mono") + ":lease")).isFalse();
	}

	@Test
	void flightsOfDifferentNamesKeepTheirOwnResultsForOneKey() throws Exception {
		SingleFlight first = this.instances.start((b) -> b);
		SingleFlight second = this.instances.start((b) -> b);
		FlightOptions<Product> products = FlightOptions.of(Product.class).named("Catalog.product");
		FlightOptions<String> labels = TEXT.named("Labels.label");
		assertThat(first.execute("sku-1", products, () -> new Product("sku-1", "Lamp", 31)))
			.isEqualTo(new Product("sku-1", "Lamp", 31));
		assertThat(second.execute("sku-1", labels, () -> "a lamp")).isEqualTo("a lamp");
		assertThat(second.execute("sku-1", products, () -> null)).isEqualTo(new Product("sku-1", "Lamp", 31));
		// Shared across methods only when asked: the same explicit name.
		assertThat(first.execute("sku-1", TEXT.named("Labels.label"), () -> "not run")).isEqualTo("a lamp");
		assertThat(this.instances.redis().hasKey(this.instances.storeKey("sku-1", "Catalog.product"))).isTrue();
		assertThat(this.instances.redis().hasKey(this.instances.storeKey("sku-1", "Labels.label"))).isTrue();
		second.forget("sku-1", "Labels.label");
		assertThat(second.execute("sku-1", labels, () -> "relabelled")).isEqualTo("relabelled");
		assertThat(second.execute("sku-1", products, () -> null)).isEqualTo(new Product("sku-1", "Lamp", 31));
	}

	@Test
	void aForgetWinsOverAFlightThatStartedBeforeIt() throws Exception {
		SingleFlight loading = this.instances.start((b) -> b.localTtl(Duration.ofMinutes(1)));
		SingleFlight writer = this.instances.start((b) -> b.localTtl(Duration.ofMinutes(1)));
		CountDownLatch release = new CountDownLatch(1);
		Future<String> stale = leading(loading, "price", release, () -> "old price");
		// A write lands and the writer forgets the key while the old load still runs.
		writer.forget("price");
		release.countDown();
		assertThat(stale.get(10, TimeUnit.SECONDS)).as("the old load's own caller").isEqualTo("old price");
		assertThat(this.instances.redis().hasKey(this.instances.storeKey("price"))).isFalse();
		assertThat(writer.execute("price", TEXT, () -> "new price")).isEqualTo("new price");
		assertThat(loading.execute("price", TEXT, () -> "not run")).isEqualTo("new price");
	}

	@Test
	void aLocalForgetWinsOverAFlightOfItsOwnJvm() throws Exception {
		SingleFlight flight = this.instances.start((b) -> b.localTtl(Duration.ofMinutes(1)));
		CountDownLatch release = new CountDownLatch(1);
		Future<String> stale = leading(flight, "stock", release, () -> "old stock");
		flight.forget("stock");
		release.countDown();
		assertThat(stale.get(10, TimeUnit.SECONDS)).isEqualTo("old stock");
		assertThat(flight.execute("stock", TEXT, () -> "new stock")).isEqualTo("new stock");
	}

	/** The leader fails with IllegalStateException("boom") while the follower waits; returns the follower's call. */
	private Future<String> failWhileFollowing(SingleFlight leader, SingleFlight follower, String key) throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		Future<String> led = leading(leader, key, release, () -> {
			throw new IllegalStateException("boom");
		});
		Future<String> followed = this.pool.submit(() -> follower.execute(key, TEXT, () -> "follower's own"));
		await().atMost(Duration.ofSeconds(5)).until(() -> follower.isFollowing(key));
		release.countDown();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> led.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(IllegalStateException.class);
		return followed;
	}

	/** A call on {@code leader} whose loader has started and runs until {@code release}, then returns {@code result}'s. */
	private Future<String> leading(SingleFlight leader, String key, CountDownLatch release, Callable<String> result)
			throws InterruptedException {
		CountDownLatch loading = new CountDownLatch(1);
		Future<String> led = this.pool.submit(() -> leader.execute(key, TEXT, () -> {
			loading.countDown();
			release.await();
			return result.call();
		}));
		loading.await();
		return led;
	}

	/** Stands for a loader's real work (a database query), which takes this long. */
	static <T> T work(Duration duration, T result) throws InterruptedException {
		Thread.sleep(duration.toMillis());
		return result;
	}

}
