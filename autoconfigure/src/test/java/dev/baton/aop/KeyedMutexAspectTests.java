package dev.baton.aop;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.baton.annotation.KeyedMutex;
import dev.baton.autoconfigure.BatonAutoConfiguration;
import dev.baton.autoconfigure.KeyedMutexAutoConfiguration;
import dev.baton.mutex.KeyedMutexPool;
import dev.baton.mutex.MutexPermit;
import dev.baton.mutex.MutexTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class KeyedMutexAspectTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
				KeyedMutexAutoConfiguration.class))
		.withBean(Orders.class);

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	@AfterEach
	void stop() {
		this.executor.shutdownNow();
	}

	@Test
	void fourTasksOfTwoUsersRunSerializedPerUserAndInParallelAcrossUsers() {
		this.runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			List<Future<?>> tasks = List.of(this.executor.submit(() -> orders.work("alice")),
					this.executor.submit(() -> orders.work("alice")), this.executor.submit(() -> orders.work("bob")),
					this.executor.submit(() -> orders.work("bob")));
			for (Future<?> task : tasks) {
				task.get();
			}
			List<Interval> alice = orders.intervalsOf("alice");
			List<Interval> bob = orders.intervalsOf("bob");
			assertThat(alice).hasSize(2);
			assertThat(bob).hasSize(2);
			// Same user: the second task starts only after the first one ended.
			assertThat(alice.get(1).start()).isGreaterThanOrEqualTo(alice.get(0).end());
			assertThat(bob.get(1).start()).isGreaterThanOrEqualTo(bob.get(0).end());
			// Different users: their first tasks ran at the same time, and so did their second ones.
			assertThat(alice.get(0).overlaps(bob.get(0))).isTrue();
			assertThat(alice.get(1).overlaps(bob.get(1))).isTrue();
		});
	}

	@Test
	void timesOutWithMutexTimeoutExceptionNamingTheMethodAndKey() {
		this.runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			try (MutexPermit held = context.getBean(KeyedMutexPool.class).lock("alice")) {
				Future<String> call = this.executor.submit(() -> orders.tryOnce("alice"));
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(call::get)
					.havingCause()
					.isInstanceOfSatisfying(MutexTimeoutException.class, (ex) -> {
						assertThat(ex.getName()).isEqualTo("KeyedMutexAspectTests.Orders.tryOnce");
						assertThat(ex.getKey()).isEqualTo("alice");
						assertThat(ex.getWaited()).isEqualTo(Duration.ZERO);
					});
				assertThat(orders.ran).isFalse();
			}
		});
	}

	@Test
	void usesTheConfiguredWaitTimeWhenTheAnnotationSetsNone() {
		this.runner.withPropertyValues("baton.mutex.wait-time=30ms").run((context) -> {
			Orders orders = context.getBean(Orders.class);
			try (MutexPermit held = context.getBean(KeyedMutexPool.class).lock("alice")) {
				Future<String> call = this.executor.submit(() -> orders.defaultWait("alice"));
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(call::get)
					.havingCause()
					.isInstanceOfSatisfying(MutexTimeoutException.class,
							(ex) -> assertThat(ex.getWaited()).isEqualTo(Duration.ofMillis(30)));
			}
		});
	}

	@Test
	void releasesWhenTheMethodThrows() {
		this.runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			assertThatIllegalStateException().isThrownBy(() -> orders.failing("alice")).withMessage("boom");
			assertThat(context.getBean(KeyedMutexPool.class).size()).isZero();
		});
	}

	@Test
	void monoWaitsWithoutBlockingAndACancelledWaiterFreesItsPlace() {
		this.runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			KeyedMutexPool pool = context.getBean(KeyedMutexPool.class);
			AtomicBoolean cancelledBodyRan = new AtomicBoolean();
			MutexPermit held = pool.lock("alice");
			Disposable cancelled = orders.reactive("alice", Mono.fromCallable(() -> {
				cancelledBodyRan.set(true);
				return "cancelled";
			})).subscribe();
			Mono<String> next = orders.reactive("alice", Mono.just("next"));
			StepVerifier.create(next).then(() -> {
				cancelled.dispose();
				held.close();
			}).expectNext("next").verifyComplete();
			assertThat(cancelledBodyRan).isFalse();
			assertThat(pool.size()).isZero();
		});
	}

	@Test
	void fluxHoldsTheMutexUntilItCompletes() {
		this.runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			KeyedMutexPool pool = context.getBean(KeyedMutexPool.class);
			Sinks.Many<Integer> body = Sinks.many().unicast().onBackpressureBuffer();
			StepVerifier.create(orders.stream("alice", body.asFlux())).then(() -> body.tryEmitNext(1)).expectNext(1).then(() -> {
				assertThat(this.elsewhere(() -> pool.tryLock("alice", Duration.ZERO))).isEmpty();
				body.tryEmitComplete();
			}).verifyComplete();
			assertThat(pool.size()).isZero();
		});
	}

	@Test
	void completionStageHoldsTheMutexUntilTheStageCompletes() {
		this.runner.run((context) -> {
			Orders orders = context.getBean(Orders.class);
			KeyedMutexPool pool = context.getBean(KeyedMutexPool.class);
			CompletableFuture<String> body = new CompletableFuture<>();
			CompletableFuture<String> result = orders.async("alice", body);
			assertThat(this.elsewhere(() -> pool.tryLock("alice", Duration.ZERO))).isEmpty();
			body.complete("done");
			assertThat(result).isCompletedWithValue("done");
			assertThat(pool.size()).isZero();
		});
	}

	@Test
	void failsStartUpWhenTheKeyReferencesAMissingParameter() {
		this.runner.withBean(BadOrders.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("KeyedMutexAspectTests.BadOrders.place(String)")
				.hasMessageContaining("'#userId'"));
	}

	private <T> T elsewhere(java.util.concurrent.Callable<T> action) {
		try {
			return this.executor.submit(action).get();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	record Interval(String user, long start, long end) {

		boolean overlaps(Interval other) {
			return this.start < other.end && other.start < this.end;
		}

	}

	public static class Orders {

		final List<Interval> intervals = new CopyOnWriteArrayList<>();

		volatile boolean ran;

		@KeyedMutex(key = "#userId", waitTime = "10s")
		public Interval work(String userId) throws InterruptedException {
			long start = System.nanoTime();
			Thread.sleep(1000); // the task's one second of work
			Interval interval = new Interval(userId, start, System.nanoTime());
			this.intervals.add(interval);
			return interval;
		}

		List<Interval> intervalsOf(String user) {
			return this.intervals.stream()
				.filter((interval) -> interval.user().equals(user))
				.sorted(Comparator.comparingLong(Interval::start))
				.toList();
		}

		@KeyedMutex(key = "#userId", waitTime = "0s")
		public String tryOnce(String userId) {
			this.ran = true;
			return "ran";
		}

		@KeyedMutex(key = "#userId")
		public String defaultWait(String userId) {
			return "ran";
		}

		@KeyedMutex(key = "#userId", name = "orders")
		public void failing(String userId) {
			throw new IllegalStateException("boom");
		}

		@KeyedMutex(key = "#userId")
		public Mono<String> reactive(String userId, Mono<String> body) {
			return body;
		}

		@KeyedMutex(key = "#userId")
		public Flux<Integer> stream(String userId, Flux<Integer> body) {
			return body;
		}

		@KeyedMutex(key = "#userId")
		public CompletableFuture<String> async(String userId, CompletableFuture<String> body) {
			return body;
		}

	}

	public static class BadOrders {

		@KeyedMutex(key = "#userId")
		public void place(String sku) {
		}

	}

}
