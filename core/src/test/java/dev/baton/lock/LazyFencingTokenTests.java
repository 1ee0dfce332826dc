package dev.baton.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.baton.redis.RedisKeyspace;
import dev.baton.test.RedisTestServer;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A thread takes a free Redis lock with one plain {@code SET NX PX} and its fencing token only
 * when it asks for it; a release nobody queued for is one compare-and-delete. What Redis was
 * sent is read from its own {@code INFO commandstats}, on a server of this class's own.
 */
class LazyFencingTokenTests {

	private static RedisTestServer server;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<RedisLockRegistry> registries = new ArrayList<>();

	private StringRedisTemplate redis;

	private RedisKeyspace keyspace;

	@BeforeAll
	static void startServer() {
		server = RedisTestServers.start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@BeforeEach
	void setUp() {
		this.keyspace = new RedisKeyspace("t" + System.nanoTime());
		this.redis = new StringRedisTemplate(factory());
	}

	@AfterEach
	void tearDown() {
		this.registries.forEach(RedisLockRegistry::close);
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

	@Test
	void aThreadTakesAFreeLockWithOnePlainSetAndReleasesItWithOneScriptOfOneKey() {
		RedisLockRegistry registry = registry();
		warmUp(registry.obtain("warm-up"));
		DistributedLock lock = registry.obtain("free");
		resetStats();
		for (int i = 0; i < 10; i++) {
			lock.lock();
			lock.unlock();
		}
		assertThat(calls("set")).as("one SET NX PX per lock").isEqualTo(10);
		assertThat(calls("evalsha")).as("one script per unlock").isEqualTo(10);
		assertThat(calls("get") + calls("del")).as("what the release script called").isEqualTo(20);
		assertThat(calls("eval")).isZero();
		assertThat(this.redis.hasKey(fence("free"))).as("no token was asked for, so no fence written").isFalse();
		assertThat(this.redis.hasKey(lockKey("free"))).isFalse();
	}

	@Test
	void theTokenIsIssuedWhenFirstAskedForAboveTheFenceAndStaysTheSameDuringTheHold() {
		DistributedLock lock = registry().obtain("asked");
		// The fence as an instance whose clock runs an hour ahead would have left it.
		long ahead = RedisLockStore.clockMicros() + TimeUnit.HOURS.toMicros(1);
		this.redis.opsForValue().set(fence("asked"), Long.toString(ahead));
		lock.lock();
		try {
			assertThat(this.redis.opsForValue().get(fence("asked"))).isEqualTo(Long.toString(ahead));
			long token = lock.fencingToken();
			assertThat(token).isEqualTo(ahead + 1);
			resetStats();
			assertThat(lock.fencingToken()).isEqualTo(token);
			assertThat(LockContext.fencingToken()).hasValue(token);
			assertThat(calls("evalsha")).as("asked again: no call to Redis").isZero();
			assertThat(Long.parseLong(this.redis.opsForValue().get(fence("asked"))))
				.as("the token and the hand-offs reserved after it")
				.isEqualTo(token + LockOptions.DEFAULTS.handoffBudget());
		}
		finally {
			lock.unlock();
		}
	}

	@Test
	void tokensIncreaseAcrossInstancesWhetherOrNotEveryHoldAskedForOne() {
		List<RedisLockRegistry> instances = List.of(registry(), registry());
		long last = 0;
		for (int i = 0; i < 20; i++) {
			DistributedLock lock = instances.get(i % 2).obtain("mixed");
			lock.lock();
			try {
				if (i % 3 != 1) {
					long token = lock.fencingToken();
					assertThat(token).as("hold %d", i).isGreaterThan(last);
					last = token;
				}
			}
			finally {
				lock.unlock();
			}
		}
	}

	@Test
	void aHoldThatRedisLostBeforeItsTokenWasAskedForGetsNone() {
		RedisLockRegistry registry = registry();
		DistributedLock lock = registry.obtain("vanished");
		lock.lock();
		// Redis lost the key (a failover to a replica that had not seen it, a flush).
		this.redis.delete(lockKey("vanished"));
		assertThatExceptionOfType(LockLostException.class).isThrownBy(lock::fencingToken)
			.withMessageContaining("'vanished'")
			.withMessageContaining("no token is issued");
		assertThatExceptionOfType(LockLostException.class).isThrownBy(LockContext::fencingToken);
		assertThat(this.redis.hasKey(fence("vanished"))).as("nothing reserved for a former holder").isFalse();
		assertThat(registry.losses()).isEqualTo(1);
		assertThat(lock.isHeldByCurrentThread()).isFalse();
		assertThatExceptionOfType(LockLostException.class).isThrownBy(lock::unlock);
	}

	@Test
	void localHandOffsAfterALateTokenTakeTheTokensItReservedWithoutAskingRedis() throws Exception {
		RedisLockRegistry registry = registry();
		DistributedLock lock = registry.obtain("handed");
		lock.lock();
		CompletableFuture<Long> second = holdAndAskForTheToken(lock);
		CompletableFuture<Long> third = holdAndAskForTheToken(lock);
		KeyState state = registry.state("handed");
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (state.localWaiters() < 2 && System.nanoTime() < until) {
			Thread.sleep(5);
		}
		assertThat(state.localWaiters()).isEqualTo(2);
		// The first holder never asks: the next is handed a hold without a token.
		lock.unlock();
		long first = Math.min(second.get(10, TimeUnit.SECONDS), third.get(10, TimeUnit.SECONDS));
		long next = Math.max(second.get(), third.get());
		assertThat(next).isEqualTo(first + 1);
		assertThat(Long.parseLong(this.redis.opsForValue().get(fence("handed"))))
			.as("the fence the first token reserved, for the hand-offs left after the one it came with")
			.isEqualTo(first + LockOptions.DEFAULTS.handoffBudget() - 1);
	}

	@Test
	void aSubscriberHandedAHoldThatHasNoTokenYetGetsOneWithTheHold() throws Exception {
		RedisLockRegistry registry = registry();
		DistributedLock lock = registry.obtain("mixed");
		lock.lock();
		CompletableFuture<LockHold> subscriber = registry.acquire("mixed", Duration.ofSeconds(10), null).toFuture();
		KeyState state = registry.state("mixed");
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (state.localWaiters() < 1 && System.nanoTime() < until) {
			Thread.sleep(5);
		}
		// Handed on by a thread that never asked for its token.
		lock.unlock();
		LockHold hold = subscriber.get(10, TimeUnit.SECONDS);
		try {
			assertThat(hold.fencingToken()).isPositive();
			assertThat(Long.parseLong(this.redis.opsForValue().get(fence("mixed"))))
				.isEqualTo(hold.fencingToken() + LockOptions.DEFAULTS.handoffBudget() - 1);
		}
		finally {
			hold.release().block(Duration.ofSeconds(5));
		}
	}

	@Test
	void aReleaseAfterAnotherInstanceQueuedWakesItThroughTheFullRelease() throws Exception {
		DistributedLock held = registry().obtain("queued");
		DistributedLock waiting = registry().obtain("queued");
		held.lock();
		CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> {
			long start = System.nanoTime();
			try {
				assertThat(waiting.tryLock(20, TimeUnit.SECONDS)).isTrue();
				waiting.unlock();
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
			return System.nanoTime() - start;
		});
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!String.valueOf(this.redis.opsForValue().get(lockKey("queued"))).endsWith("+")
				&& System.nanoTime() < until) {
			Thread.sleep(5);
		}
		assertThat(this.redis.opsForValue().get(lockKey("queued"))).as("flagged by the waiter").endsWith("+");
		Thread.sleep(100);
		held.unlock();
		assertThat(Duration.ofNanos(waited.get(10, TimeUnit.SECONDS)))
			.as("woken by the release's notice, long before the 30 s lease would have run out")
			.isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void aReactiveHoldIsGrantedWithItsToken() {
		RedisLockRegistry registry = registry();
		LockHold hold = registry.acquire("reactive", Duration.ofSeconds(1), null).block(Duration.ofSeconds(5));
		try {
			assertThat(hold.fencingToken()).isPositive();
			assertThat(this.redis.hasKey(fence("reactive"))).isTrue();
		}
		finally {
			hold.release().block(Duration.ofSeconds(5));
		}
	}

	/** Holds {@code lock} on a thread of its own, once it can, and asks for its token. */
	private static CompletableFuture<Long> holdAndAskForTheToken(DistributedLock lock) {
		CompletableFuture<Long> result = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				lock.lock();
				try {
					result.complete(lock.fencingToken());
				}
				finally {
					lock.unlock();
				}
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
			}
		});
		thread.setDaemon(true);
		thread.start();
		return result;
	}

	/** Loads the scripts (token and release), so that the counted calls are EVALSHAs alone. */
	private void warmUp(DistributedLock lock) {
		lock.lock();
		lock.fencingToken();
		lock.unlock();
	}

	private void resetStats() {
		this.redis.execute((RedisCallback<Void>) (connection) -> {
			connection.serverCommands().resetConfigStats();
			return null;
		});
	}

	private long calls(String command) {
		Properties stats = this.redis
			.execute((RedisCallback<Properties>) (RedisConnection connection) -> connection.serverCommands()
				.info("commandstats"));
		String line = stats.getProperty("cmdstat_" + command);
		if (line == null) {
			return 0;
		}
		String calls = line.substring(line.indexOf("calls=") + 6);
		return Long.parseLong(calls.substring(0, calls.indexOf(',')));
	}

	private String lockKey(String key) {
		return this.keyspace.key(RedisLockStore.FEATURE, key);
	}

	private String fence(String key) {
		return lockKey(key) + ":fence";
	}

	private RedisLockRegistry registry() {
		RedisLockRegistry registry = new RedisLockRegistry(factory(), this.keyspace, null, LockOptions.DEFAULTS);
		this.registries.add(registry);
		return registry;
	}

	private LettuceConnectionFactory factory() {
		LettuceConnectionFactory factory = server.newConnectionFactory();
		this.factories.add(factory);
		return factory;
	}

}
