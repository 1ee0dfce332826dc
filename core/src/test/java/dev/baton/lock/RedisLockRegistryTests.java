package dev.baton.lock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.baton.redis.RedisKeyspace;
import dev.baton.test.RedisTestServer;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisLockRegistryTests {

	private final RedisTestServer server = RedisTestServers.shared();

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<RedisLockRegistry> registries = new ArrayList<>();

	private StringRedisTemplate redis;

	private String prefix;

	@BeforeEach
	void setUp() {
		this.prefix = "t" + System.nanoTime();
		this.redis = new StringRedisTemplate(factory());
	}

	@AfterEach
	void tearDown() throws Exception {
		for (RedisLockRegistry registry : this.registries) {
			registry.close();
		}
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

	@Test
	void excludesAcrossThreeInstancesSoNoIncrementIsLost() throws Exception {
		List<RedisLockRegistry> instances = List.of(registry(), registry(), registry());
		String counter = this.prefix + ":counter";
		int perThread = 500;
		ExecutorService pool = Executors.newFixedThreadPool(6);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < 6; t++) {
				RedisLockRegistry registry = instances.get(t % 3);
				futures.add(pool.submit(() -> {
					for (int i = 0; i < perThread; i++) {
						registry.withLock("counter", Duration.ofSeconds(30), () -> {
							// Deliberately not atomic: read, then write.
							String value = this.redis.opsForValue().get(counter);
							int next = ((value != null) ? Integer.parseInt(value) : 0) + 1;
							this.redis.opsForValue().set(counter, Integer.toString(next));
							return next;
						});
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(this.redis.opsForValue().get(counter)).isEqualTo(Integer.toString(6 * perThread));
		instances.forEach((registry) -> assertThat(registry.trackedKeys()).isZero());
	}

	@Test
	void isReentrantForTheHoldingThread() {
		DistributedLock lock = registry().obtain("reentrant");
		lock.lock();
		lock.lock();
		long token = lock.fencingToken();
		lock.unlock();
		assertThat(lock.isHeldByCurrentThread()).isTrue();
		assertThat(lock.fencingToken()).isEqualTo(token);
		assertThat(otherInstanceCanTake("reentrant")).isFalse();
		lock.unlock();
		assertThat(lock.isHeldByCurrentThread()).isFalse();
		assertThat(otherInstanceCanTake("reentrant")).isTrue();
	}

	@Test
	void tryLockTimesOutWhileAnotherInstanceHolds() throws Exception {
		DistributedLock held = registry().obtain("busy");
		held.lock();
		try {
			long start = System.nanoTime();
			assertThat(registry().obtain("busy").tryLock(200, TimeUnit.MILLISECONDS)).isFalse();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
			assertThat(registry().obtain("busy").tryLock()).isFalse();
		}
		finally {
			held.unlock();
		}
	}

	@Test
	void withLockThrowsNamingTheKeyAndTheWait() {
		DistributedLock held = registry().obtain("named");
		held.lock();
		try {
			assertThatExceptionOfType(LockAcquisitionException.class)
				.isThrownBy(() -> registry().withLock("named", Duration.ofMillis(50), () -> "never"))
				.withMessageContaining("'named'")
				.satisfies((ex) -> assertThat(ex.getWaited()).isEqualTo(Duration.ofMillis(50)));
		}
		finally {
			held.unlock();
		}
	}

	@Test
	void interruptionStopsTheWaitAndLeavesNothingHeld() throws Exception {
		RedisLockRegistry holder = registry();
		DistributedLock held = holder.obtain("interrupt");
		held.lock();
		RedisLockRegistry waiterRegistry = registry();
		AtomicReference<Throwable> outcome = new AtomicReference<>();
		CountDownLatch started = new CountDownLatch(1);
		Thread waiter = new Thread(() -> {
			started.countDown();
			try {
				waiterRegistry.obtain("interrupt").lockInterruptibly();
				outcome.set(new AssertionError("acquired"));
			}
			catch (InterruptedException ex) {
				outcome.set(ex);
			}
		});
		waiter.start();
		started.await();
		org.awaitility.Awaitility.await().until(() -> waiterRegistry.trackedKeys() == 1);
		waiter.interrupt();
		waiter.join(5000);
		assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
		org.awaitility.Awaitility.await().until(() -> waiterRegistry.trackedKeys() == 0);
		held.unlock();
		assertThat(waiterRegistry.obtain("interrupt").tryLock()).isTrue();
		waiterRegistry.obtain("interrupt").unlock();
	}

	@Test
	void anInterruptedThreadStillReleasesItsLockAndKeepsItsInterrupt() throws Exception {
		RedisLockRegistry registry = registry();
		DistributedLock lock = registry.obtain("interrupted-unlock");
		lock.lock();
		Thread.currentThread().interrupt();
		try {
			lock.unlock();
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(registry.trackedKeys()).isZero();
		DistributedLock other = registry().obtain("interrupted-unlock");
		assertThat(other.tryLock()).as("released in Redis, not only here").isTrue();
		other.unlock();
	}

	@Test
	void refusesToBlockAThreadThatMustNeverBlock() throws Exception {
		RedisLockRegistry registry = registry();
		DistributedLock lock = registry.obtain("event-loop");
		assertThatThrownBy(() -> Mono.fromCallable(lock::tryLock).subscribeOn(Schedulers.parallel()).block())
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("'event-loop'")
			.hasMessageContaining("withLock");
		assertThat(registry.trackedKeys()).isZero();
		assertThat(lock.tryLock()).isTrue();
		lock.unlock();
	}

	@Test
	void refusesUnlockByANonOwner() throws Exception {
		RedisLockRegistry registry = registry();
		DistributedLock lock = registry.obtain("owned");
		lock.lock();
		try {
			AtomicReference<Throwable> failure = new AtomicReference<>();
			Thread other = new Thread(() -> {
				try {
					registry.obtain("owned").unlock();
				}
				catch (Throwable ex) {
					failure.set(ex);
				}
			});
			other.start();
			other.join();
			assertThat(failure.get()).isInstanceOf(IllegalMonitorStateException.class)
				.hasMessageContaining("'owned'");
			assertThat(lock.isHeldByCurrentThread()).isTrue();
			assertThatThrownBy(() -> registry().obtain("owned").unlock())
				.isInstanceOf(IllegalMonitorStateException.class);
		}
		finally {
			lock.unlock();
		}
	}

	@Test
	void releasingAnExpiredHoldThrowsAndNeverDeletesTheNewHoldersLock() throws Exception {
		DistributedLock first = registry().obtain("expired");
		assertThat(first.tryLock(Duration.ZERO, Duration.ofMillis(100))).isTrue();
		DistributedLock second = registry().obtain("expired");
		assertThat(second.tryLock(Duration.ofSeconds(5), null)).isTrue();
		assertThat(first.isHeldByCurrentThread()).isFalse();
		assertThatExceptionOfType(LockLostException.class).isThrownBy(first::unlock)
			.withMessageContaining("'expired'");
		assertThat(otherInstanceCanTake("expired")).isFalse();
		second.unlock();
	}

	@Test
	void fencingTokensIncreaseOnEveryAcquisition() throws Exception {
		OptionalLong outside = LockContext.fencingToken();
		DistributedLock a = registry().obtain("fence");
		DistributedLock b = registry().obtain("fence");
		long previous = 0;
		for (int i = 0; i < 20; i++) {
			DistributedLock lock = (i % 2 == 0) ? a : b;
			lock.lock();
			assertThat(lock.fencingToken()).isGreaterThan(previous);
			assertThat(LockContext.fencingToken()).hasValue(lock.fencingToken());
			previous = lock.fencingToken();
			lock.unlock();
		}
		assertThat(LockContext.fencingToken()).isEqualTo(outside);
	}

	@Test
	void fencingTokensKeepIncreasingAfterTheFenceKeyLapsed() throws Exception {
		DistributedLock lock = registry().obtain("lapse");
		lock.lock();
		long before = lock.fencingToken();
		lock.unlock();
		// What the fence's retention running out looks like: the counter is gone.
		assertThat(this.redis.delete(this.prefix + ":lock:{lapse}:fence")).isTrue();
		lock.lock();
		assertThat(lock.fencingToken()).isGreaterThan(before);
		lock.unlock();
	}

	@Test
	void fencingTokensStartFromThisInstancesClockAndTheFenceKeepsEveryDigit() throws Exception {
		Instant before = Instant.now();
		long floor = before.getEpochSecond() * 1_000_000 + before.getNano() / 1_000;
		DistributedLock lock = registry().obtain("clock");
		lock.lock();
		long token = lock.fencingToken();
		lock.unlock();
		assertThat(token).isGreaterThanOrEqualTo(floor);
		// The hold's reservation, written out in full: a float's "1.7e+15" would lose the low digits.
		assertThat(this.redis.opsForValue().get(this.prefix + ":lock:{clock}:fence"))
			.isEqualTo(Long.toString(token + LockOptions.DEFAULTS.handoffBudget()));
	}

	@Test
	void handlesKeysOfAnyContent() {
		RedisLockRegistry registry = registry();
		for (String key : List.of("with space", "star*", "new\nline", "\u00e9\u6f22\ud83d\ude00", "{brace}",
				"x".repeat(10_000))) {
			assertThat(registry.withLock(key, Duration.ofSeconds(1), () -> otherInstanceCanTake(key))).isFalse();
			assertThat(otherInstanceCanTake(key)).isTrue();
		}
	}

	@Test
	void reportsAnUnreachableRedisWithinTheCommandTimeout() {
		RedisTestServer dead = RedisTestServers.start();
		LettuceConnectionFactory factory = dead.newConnectionFactory();
		this.factories.add(factory);
		RedisLockRegistry registry = track(new RedisLockRegistry(factory, new RedisKeyspace(this.prefix), null,
				LockOptions.DEFAULTS));
		dead.close();
		assertThatExceptionOfType(LockUnavailableException.class)
			.isThrownBy(() -> registry.obtain("down").tryLock(Duration.ofSeconds(1), null))
			.withMessageContaining("'down'");
		assertThat(registry.trackedKeys()).isZero();
	}

	private boolean otherInstanceCanTake(String key) {
		RedisLockRegistry other = registry();
		try {
			return other.withLock(key, Duration.ZERO, () -> true);
		}
		catch (LockAcquisitionException ex) {
			return false;
		}
	}

	private RedisLockRegistry registry() {
		return track(new RedisLockRegistry(factory(), new RedisKeyspace(this.prefix), null, LockOptions.DEFAULTS));
	}

	private RedisLockRegistry track(RedisLockRegistry registry) {
		this.registries.add(registry);
		return registry;
	}

	private LettuceConnectionFactory factory() {
		LettuceConnectionFactory factory = this.server.newConnectionFactory();
		this.factories.add(factory);
		return factory;
	}

}
