package dev.baton.aop;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.baton.InvalidSettingException;
import dev.baton.annotation.DistributedLock;
import dev.baton.annotation.KeyedMutex;
import dev.baton.annotation.OnTimeout;
import dev.baton.autoconfigure.BatonAutoConfiguration;
import dev.baton.autoconfigure.BootAutoConfigurations;
import dev.baton.autoconfigure.DistributedLockAutoConfiguration;
import dev.baton.autoconfigure.KeyedMutexAutoConfiguration;
import dev.baton.lock.DistributedLockRegistry;
import dev.baton.lock.LockAcquisitionException;
import dev.baton.lock.LockHold;
import dev.baton.mutex.KeyedMutexPool;
import dev.baton.mutex.MutexPermit;
import dev.baton.mutex.MutexTimeoutException;
import dev.baton.test.RedisTestServers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** {@code onTimeout} of {@code @DistributedLock} and {@code @KeyedMutex}: throw, skip, fallback. */
class OnTimeoutTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(BootAutoConfigurations.redis())
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
				DistributedLockAutoConfiguration.class, KeyedMutexAutoConfiguration.class))
		.withPropertyValues(RedisTestServers.shared().springProperties())
		.withPropertyValues("baton.redis.key-prefix=timeouts" + System.nanoTime())
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

	@Test
	void aSkippedLockedMethodReturnsNothingOfItsReturnType() {
		this.runner.withBean(LockedJobs.class).run(whileLockIsBusy((context) -> {
			LockedJobs jobs = context.getBean(LockedJobs.class);
			jobs.job();
			assertThat(jobs.plain()).isNull();
			assertThat(jobs.optional()).isEmpty();
			assertThat(jobs.stage().toCompletableFuture().get(5, TimeUnit.SECONDS)).isNull();
			assertThat(jobs.mono().hasElement().block(Duration.ofSeconds(5))).isFalse();
			assertThat(jobs.flux().collectList().block(Duration.ofSeconds(5))).isEmpty();
			assertThat(jobs.runs()).isZero();
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("baton.lock.acquire").tag("outcome", "skipped").functionTimers()).hasSize(6)
				.allSatisfy((timer) -> assertThat(timer.count()).isEqualTo(1));
			assertThat(meters.find("baton.lock.acquire").tag("outcome", "timeout").functionTimers())
				.allSatisfy((timer) -> assertThat(timer.count()).isZero());
		}));
	}

	@Test
	void aSkipIsLoggedAtDebugWithoutAStackTrace() {
		Logger logger = (Logger) LoggerFactory.getLogger(TimeoutPolicy.class);
		Level level = logger.getLevel();
		ListAppender<ILoggingEvent> logs = new ListAppender<>();
		logs.start();
		logger.addAppender(logs);
		logger.setLevel(Level.DEBUG);
		try {
			this.runner.withBean(LockedJobs.class)
				.run(whileLockIsBusy((context) -> assertThat(context.getBean(LockedJobs.class).plain()).isNull()));
		}
		finally {
			logger.detachAppender(logs);
			logger.setLevel(level);
		}
		assertThat(logs.list).singleElement().satisfies((event) -> {
			assertThat(event.getLevel()).isEqualTo(Level.DEBUG);
			assertThat(event.getFormattedMessage()).startsWith("Skipped OnTimeoutTests.LockedJobs.plain()")
				.contains("'busy'");
			assertThat(event.getThrowableProxy()).isNull();
		});
	}

	@Test
	void aSkippableLockedMethodRunsWhenTheLockIsFree() {
		this.runner.withBean(LockedJobs.class).run((context) -> {
			LockedJobs jobs = context.getBean(LockedJobs.class);
			assertThat(jobs.plain()).isEqualTo("ran");
			assertThat(jobs.flux().collectList().block(Duration.ofSeconds(5))).containsExactly("ran");
			assertThat(jobs.runs()).isEqualTo(2);
		});
	}

	@Test
	void aTimeoutTheMethodItselfThrowsIsItsResultNotASkip() {
		this.runner.withBean(LockedJobs.class).run((context) -> {
			LockedJobs jobs = context.getBean(LockedJobs.class);
			assertThatExceptionOfType(LockAcquisitionException.class).isThrownBy(jobs::inner)
				.withMessageContaining("'inner'");
			assertThatExceptionOfType(LockAcquisitionException.class)
				.isThrownBy(() -> jobs.innerReactive().block(Duration.ofSeconds(5)))
				.withMessageContaining("'inner'");
		});
	}

	@Test
	void aLockFallbackGetsTheArgumentsAndTheTimeout() {
		this.runner.withBean(LockedJobs.class).run(whileLockIsBusy((context) -> {
			LockedJobs jobs = context.getBean(LockedJobs.class);
			assertThat(jobs.quote("lamp", 3)).isEqualTo("later lamp x3 (busy)");
			assertThat(jobs.quoteReactive("desk").block(Duration.ofSeconds(5))).isEqualTo("reactive later desk");
			assertThat(jobs.quoteAsync("chair").toCompletableFuture().get(5, TimeUnit.SECONDS))
				.isEqualTo("async later chair (busy)");
			assertThat(jobs.runs()).isZero();
			assertThat(jobs.timeouts()).hasSize(2).allSatisfy((ex) -> assertThat(ex.getKey()).isEqualTo("busy"));
			assertThat(context.getBean(MeterRegistry.class)
				.get("baton.lock.acquire")
				.tag("name", "OnTimeoutTests.LockedJobs.quote")
				.tag("outcome", "fallback")
				.functionTimer()
				.count()).isEqualTo(1);
		}));
	}

	@Test
	void aFallbackThatThrowsFailsTheCallWithItsException() {
		this.runner.withBean(LockedJobs.class).run(whileLockIsBusy((context) -> {
			LockedJobs jobs = context.getBean(LockedJobs.class);
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> jobs.refuse("x"))
				.withMessage("refused x");
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> jobs.refuseReactive("y").block(Duration.ofSeconds(5)))
				.withMessage("refused y");
		}));
	}

	@Test
	void throwStaysTheDefaultAndOnTimeoutSkipCanBeMadeTheDefault() {
		this.runner.withBean(DefaultJobs.class).run(whileLockIsBusy((context) -> assertThatExceptionOfType(
				LockAcquisitionException.class).isThrownBy(() -> context.getBean(DefaultJobs.class).work())));
		this.runner.withBean(DefaultJobs.class)
			.withPropertyValues("baton.lock.on-timeout=skip")
			.run(whileLockIsBusy((context) -> {
				DefaultJobs jobs = context.getBean(DefaultJobs.class);
				assertThat(jobs.work()).isNull();
				assertThatExceptionOfType(LockAcquisitionException.class).isThrownBy(jobs::explicitThrow);
			}));
	}

	@Test
	void aSkippedOrFallenBackMutexMethodReturnsWithoutRunning() {
		this.runner.withBean(MutexJobs.class).run((context) -> {
			KeyedMutexPool pool = context.getBean(KeyedMutexPool.class);
			MutexPermit held = pool.tryLockAsync("busy", Duration.ZERO).block(Duration.ofSeconds(5));
			try {
				MutexJobs jobs = context.getBean(MutexJobs.class);
				CompletableFuture.runAsync(() -> {
					assertThat(jobs.plain()).isNull();
					assertThat(jobs.optional()).isEmpty();
					assertThat(jobs.stage().toCompletableFuture().join()).isNull();
					assertThat(jobs.mono().hasElement().block(Duration.ofSeconds(5))).isFalse();
					assertThat(jobs.flux().collectList().block(Duration.ofSeconds(5))).isEmpty();
					assertThat(jobs.place("alice", 2)).isEqualTo("queued alice x2 (busy)");
				}).get(10, TimeUnit.SECONDS);
				assertThat(jobs.runs()).isZero();
			}
			finally {
				held.close();
			}
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("baton.mutex.wait").tag("outcome", "skipped").functionTimers()).hasSize(5);
			assertThat(meters.get("baton.mutex.wait").tag("name", "OnTimeoutTests.MutexJobs.place").tag("outcome", "fallback").functionTimer().count())
				.isEqualTo(1);
		});
	}

	@Test
	void failsStartUpWhenTheFallbackIsMissingNamingTheMethod() {
		this.runner.withBean(MissingFallback.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("MissingFallback.work(String)")
				.hasMessageContaining("'later'")
				.hasMessageContaining("later(String)")
				.hasMessageContaining("later(String, LockAcquisitionException)"));
	}

	@Test
	void failsStartUpWhenTheFallbacksParametersDifferNamingTheMethod() {
		this.runner.withBean(WrongParameters.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("WrongParameters.work(String)")
				.hasMessageContaining("later(String, MutexTimeoutException)"));
	}

	@Test
	void failsStartUpWhenTheFallbacksReturnTypeDoesNotFitNamingBothMethods() {
		this.runner.withBean(WrongReturnType.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("WrongReturnType.work(String)")
				.hasMessageContaining("WrongReturnType.later(String)")
				.hasMessageContaining("Mono<Integer>")
				.hasMessageContaining("Mono<String>"));
	}

	@Test
	void failsStartUpForAFallbackWithoutItsPolicyOrSkipOnAPrimitive() {
		this.runner.withBean(FallbackButSkip.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("FallbackButSkip.work(String)")
				.hasMessageContaining("SKIP"));
		this.runner.withBean(SkipPrimitive.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("SkipPrimitive.count(String)")
				.hasMessageContaining("long"));
		this.runner.withBean(FallbackWithoutName.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("FallbackWithoutName.work(String)")
				.hasMessageContaining("no fallback method"));
	}

	@Test
	void failsStartUpWhenFallbackIsMadeEveryMethodsDefault() {
		this.runner.withPropertyValues("baton.mutex.on-timeout=fallback")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidSettingException.class)
				.hasMessageContaining("onTimeout")
				.satisfies((ex) -> assertThat(((InvalidSettingException) ex).getFeature()).isEqualTo("mutex")));
	}

	private static org.springframework.boot.test.context.runner.ContextConsumer<AssertableApplicationContext> whileLockIsBusy(
			ThrowingConsumer consumer) {
		return (context) -> {
			LockHold held = context.getBean(DistributedLockRegistry.class)
				.acquire("busy", Duration.ZERO, null)
				.block(Duration.ofSeconds(5));
			try {
				consumer.accept(context);
			}
			finally {
				held.release().block(Duration.ofSeconds(5));
			}
		};
	}

	@FunctionalInterface
	interface ThrowingConsumer {

		void accept(AssertableApplicationContext context) throws Throwable;

	}

	static class LockedJobs {

		final AtomicInteger runs = new AtomicInteger();

		final List<LockAcquisitionException> timeouts = new CopyOnWriteArrayList<>();

		// Read through methods: the test holds the proxy, whose own fields are not the bean's.
		public int runs() {
			return this.runs.get();
		}

		public List<LockAcquisitionException> timeouts() {
			return this.timeouts;
		}

		@DistributedLock(key = "'busy'", waitTime = "0s", onTimeout = OnTimeout.SKIP)
		public void job() {
			this.runs.incrementAndGet();
		}

		@DistributedLock(key = "'busy'", waitTime = "0s", onTimeout = OnTimeout.SKIP)
		public String plain() {
			this.runs.incrementAndGet();
			return "ran";
		}

		@DistributedLock(key = "'busy'", waitTime = "0s", onTimeout = OnTimeout.SKIP)
		public Optional<String> optional() {
			this.runs.incrementAndGet();
			return Optional.of("ran");
		}

		@DistributedLock(key = "'busy'", waitTime = "0s", onTimeout = OnTimeout.SKIP)
		public CompletionStage<String> stage() {
			this.runs.incrementAndGet();
			return CompletableFuture.completedFuture("ran");
		}

		@DistributedLock(key = "'busy'", waitTime = "0s", onTimeout = OnTimeout.SKIP)
		public Mono<String> mono() {
			this.runs.incrementAndGet();
			return Mono.just("ran");
		}

		@DistributedLock(key = "'busy'", waitTime = "0s", onTimeout = OnTimeout.SKIP)
		public Flux<String> flux() {
			this.runs.incrementAndGet();
			return Flux.just("ran");
		}

		@DistributedLock(key = "'free'", waitTime = "0s", onTimeout = OnTimeout.SKIP)
		public String inner() {
			throw new LockAcquisitionException("inner", Duration.ZERO);
		}

		@DistributedLock(key = "'free'", waitTime = "0s", onTimeout = OnTimeout.SKIP)
		public Mono<String> innerReactive() {
			return Mono.error(new LockAcquisitionException("inner", Duration.ZERO));
		}

		@DistributedLock(key = "'busy'", waitTime = "0s", onTimeout = OnTimeout.FALLBACK, fallback = "quoteLater")
		public String quote(String sku, int quantity) {
			this.runs.incrementAndGet();
			return "now";
		}

		String quoteLater(String sku, int quantity, LockAcquisitionException timeout) {
			this.timeouts.add(timeout);
			return "later " + sku + " x" + quantity + " (" + timeout.getKey() + ")";
		}

		@DistributedLock(key = "'busy'", waitTime = "0s", fallback = "quoteReactiveLater")
		public Mono<String> quoteReactive(String sku) {
			this.runs.incrementAndGet();
			return Mono.just("now");
		}

		private Mono<String> quoteReactiveLater(String sku) {
			return Mono.just("reactive later " + sku);
		}

		@DistributedLock(key = "'busy'", waitTime = "0s", fallback = "quoteAsyncLater")
		public CompletionStage<String> quoteAsync(String sku) {
			this.runs.incrementAndGet();
			return CompletableFuture.completedFuture("now");
		}

		public CompletableFuture<String> quoteAsyncLater(String sku, RuntimeException timeout) {
			this.timeouts.add((LockAcquisitionException) timeout);
			return CompletableFuture.completedFuture("async later " + sku + " (" + ((LockAcquisitionException) timeout).getKey() + ")");
		}

		@DistributedLock(key = "'busy'", waitTime = "0s", fallback = "refuseLater")
		public String refuse(String id) {
			return "now";
		}

		@DistributedLock(key = "'busy'", waitTime = "0s", fallback = "refuseReactiveLater")
		public Mono<String> refuseReactive(String id) {
			return Mono.just("now");
		}

		Mono<String> refuseReactiveLater(String id) {
			throw new IllegalStateException("refused " + id);
		}

		String refuseLater(String id) {
			throw new IllegalStateException("refused " + id);
		}

	}

	static class DefaultJobs {

		@DistributedLock(key = "'busy'", waitTime = "0s")
		public String work() {
			return "ran";
		}

		@DistributedLock(key = "'busy'", waitTime = "0s", onTimeout = OnTimeout.THROW)
		public String explicitThrow() {
			return "ran";
		}

	}

	static class MutexJobs {

		final AtomicInteger runs = new AtomicInteger();

		public int runs() {
			return this.runs.get();
		}

		@KeyedMutex(key = "'busy'", waitTime = "0s", onTimeout = OnTimeout.SKIP)
		public String plain() {
			this.runs.incrementAndGet();
			return "ran";
		}

		@KeyedMutex(key = "'busy'", waitTime = "0s", onTimeout = OnTimeout.SKIP)
		public Optional<String> optional() {
			this.runs.incrementAndGet();
			return Optional.of("ran");
		}

		@KeyedMutex(key = "'busy'", waitTime = "0s", onTimeout = OnTimeout.SKIP)
		public CompletionStage<String> stage() {
			this.runs.incrementAndGet();
			return CompletableFuture.completedFuture("ran");
		}

		@KeyedMutex(key = "'busy'", waitTime = "0s", onTimeout = OnTimeout.SKIP)
		public Mono<String> mono() {
			this.runs.incrementAndGet();
			return Mono.just("ran");
		}

		@KeyedMutex(key = "'busy'", waitTime = "0s", onTimeout = OnTimeout.SKIP)
		public Flux<String> flux() {
			this.runs.incrementAndGet();
			return Flux.just("ran");
		}

		@KeyedMutex(key = "'busy'", waitTime = "0s", onTimeout = OnTimeout.FALLBACK, fallback = "queue")
		public String place(String user, int items) {
			this.runs.incrementAndGet();
			return "placed";
		}

		String queue(String user, int items, MutexTimeoutException timeout) {
			return "queued " + user + " x" + items + " (" + timeout.getKey() + ")";
		}

	}

	static class MissingFallback {

		@DistributedLock(key = "#id", fallback = "later")
		public String work(String id) {
			return id;
		}

	}

	static class WrongParameters {

		@KeyedMutex(key = "#id", fallback = "later")
		public String work(String id) {
			return id;
		}

		String later(int id) {
			return "later";
		}

	}

	static class WrongReturnType {

		@DistributedLock(key = "#id", fallback = "later")
		public Mono<String> work(String id) {
			return Mono.just(id);
		}

		Mono<Integer> later(String id) {
			return Mono.just(1);
		}

	}

	static class FallbackButSkip {

		@DistributedLock(key = "#id", onTimeout = OnTimeout.SKIP, fallback = "later")
		public String work(String id) {
			return id;
		}

		String later(String id) {
			return "later";
		}

	}

	static class SkipPrimitive {

		@KeyedMutex(key = "#id", onTimeout = OnTimeout.SKIP)
		public long count(String id) {
			return 1;
		}

	}

	static class FallbackWithoutName {

		@DistributedLock(key = "#id", onTimeout = OnTimeout.FALLBACK)
		public String work(String id) {
			return id;
		}

	}

}
