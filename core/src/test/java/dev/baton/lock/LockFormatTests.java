package dev.baton.lock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import dev.baton.redis.ScriptConnection;
import dev.baton.test.RedisTestServer;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A lock kept in a later format than this version reads (planted with raw commands, as a later
 * version would write it: {@code @2:...}) fails closed: it is never taken, waited for, flagged,
 * deleted or extended, and the caller hears both formats. Values of today's format still work
 * (the registry suites).
 */
class LockFormatTests {

	private static final String LATER = "@2:0d5c1ab4-7d16-4b8e-9d0e-2f6a1f0e9c31:7";

	private static final String MESSAGE = "Lock 'k' is kept in format 2; this instance reads format 1: upgrade";

	private final RedisTestServer server = RedisTestServers.shared();

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private RedisKeyspace keyspace;

	private StringRedisTemplate redis;

	@BeforeEach
	void setUp() {
		this.keyspace = new RedisKeyspace("fmt" + System.nanoTime());
		this.redis = new StringRedisTemplate(factory(this.server));
	}

	@AfterEach
	void tearDown() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

	@Test
	void aLockHeldInALaterFormatIsNotTakenAndTheErrorNamesTheKeyAndBothFormats() {
		this.redis.opsForValue().set(lockKey(), LATER, Duration.ofSeconds(30));
		DistributedLock lock = registry().obtain("k");
		assertThatExceptionOfType(LockFormatException.class).isThrownBy(lock::tryLock)
			.withMessageStartingWith(MESSAGE)
			.satisfies((ex) -> {
				assertThat(ex.getKey()).isEqualTo("k");
				assertThat(ex.getFoundFormat()).isEqualTo("2");
				assertThat(ex.getReadFormat()).isEqualTo(1);
			});
		assertThat(lock.isHeldByCurrentThread()).isFalse();
		assertLeftAsItWas();
	}

	@Test
	void aWaitingAcquireFailsAtOnceWithoutQueueingOrFlaggingTheLaterValue() {
		this.redis.opsForValue().set(lockKey(), LATER, Duration.ofSeconds(30));
		DistributedLock lock = registry().obtain("k");
		long start = System.nanoTime();
		assertThatExceptionOfType(LockFormatException.class).isThrownBy(() -> lock.tryLock(5, TimeUnit.SECONDS))
			.withMessageStartingWith(MESSAGE);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		assertLeftAsItWas();
		assertThat(this.redis.hasKey(lockKey() + ":queue")).isFalse();
	}

	@Test
	void aReactiveAcquireFailsWithTheSameError() {
		this.redis.opsForValue().set(lockKey(), LATER, Duration.ofSeconds(30));
		assertThatExceptionOfType(LockFormatException.class)
			.isThrownBy(() -> registry().acquire("k", Duration.ofSeconds(1), null).block(Duration.ofSeconds(5)))
			.withMessageStartingWith(MESSAGE);
		assertLeftAsItWas();
	}

	/**
	 * Kept for the head of the queue ("+", as a format-1 release leaves it), the head being of a
	 * later format. (A lock with no value at all is taken on the fast path, which never reads the
	 * queue: in every format a lock with waiters has a value, unless its holder died.)
	 */
	@Test
	void aLockKeptForAFirstWaiterOfALaterFormatIsNotTaken() {
		this.redis.opsForValue().set(lockKey(), "+", Duration.ofSeconds(30));
		this.redis.opsForZSet().add(lockKey() + ":queue", LATER, 1);
		this.redis.opsForHash().put(lockKey() + ":lapse", LATER, Long.toString(System.currentTimeMillis() + 30_000));
		assertThatExceptionOfType(LockFormatException.class).isThrownBy(() -> registry().obtain("k").tryLock())
			.withMessageStartingWith(MESSAGE);
		assertThat(this.redis.opsForValue().get(lockKey())).isEqualTo("+");
		assertThat(this.redis.opsForZSet().range(lockKey() + ":queue", 0, -1)).containsExactly(LATER);
	}

	@Test
	void releaseAndRenewNeverDeleteNorExtendAValueOfALaterFormat() {
		// A later format that wraps the same owner token: still not this owner's value.
		String owner = "0d5c1ab4-7d16-4b8e-9d0e-2f6a1f0e9c31:7";
		this.redis.opsForValue().set(lockKey(), "@2:" + owner, Duration.ofSeconds(30));
		RedisLockStore store = store();
		assertThat(store.renew("k", owner, Duration.ofMinutes(10)).block()).isFalse();
		assertThat(store.release("k", owner).block()).isFalse();
		assertThat(this.redis.opsForValue().get(lockKey())).isEqualTo("@2:" + owner);
		assertThat(this.redis.getExpire(lockKey(), TimeUnit.MILLISECONDS)).isBetween(1L, 30_000L);
	}

	@Test
	void releaseWithAFirstWaiterOfALaterFormatFreesTheLockInsteadOfKeepingItForThatWaiter() throws Exception {
		DistributedLock lock = registry().obtain("k");
		assertThat(lock.tryLock()).isTrue();
		// Someone of a later format queued behind the hold, and flagged it as format 1 does.
		String holder = this.redis.opsForValue().get(lockKey());
		this.redis.opsForValue().set(lockKey(), holder + "+", Duration.ofSeconds(30));
		this.redis.opsForZSet().add(lockKey() + ":queue", LATER, 1);
		this.redis.opsForHash().put(lockKey() + ":lapse", LATER, Long.toString(System.currentTimeMillis() + 30_000));
		lock.unlock();
		assertThat(this.redis.hasKey(lockKey())).isFalse();
		assertThat(this.redis.opsForZSet().range(lockKey() + ":queue", 0, -1)).containsExactly(LATER);
	}

	@Test
	void aRedlockMasterKeepingTheLockInALaterFormatFailsTheAcquisitionAndTheOthersAreGivenBack() {
		List<RedisTestServer> masters = RedisTestServers.start(3);
		masters.forEach((master) -> this.closeables.add(master));
		StringRedisTemplate first = new StringRedisTemplate(factory(masters.get(0)));
		first.opsForValue().set(lockKey(), LATER, Duration.ofSeconds(30));
		RedlockRegistry registry = new RedlockRegistry(masters.stream().map(this::factory).toList(), this.keyspace,
				LockOptions.DEFAULTS, Duration.ofMillis(500));
		this.closeables.add(0, registry);
		assertThatExceptionOfType(LockFormatException.class).isThrownBy(() -> registry.obtain("k").tryLock())
			.withMessageStartingWith(MESSAGE);
		assertThat(first.opsForValue().get(lockKey())).isEqualTo(LATER);
		for (RedisTestServer master : masters.subList(1, 3)) {
			StringRedisTemplate other = new StringRedisTemplate(factory(master));
			await().atMost(Duration.ofSeconds(5)).until(() -> !other.hasKey(lockKey()));
		}
	}

	/** The planted value is as it was: same text, its lease not extended. */
	private void assertLeftAsItWas() {
		assertThat(this.redis.opsForValue().get(lockKey())).isEqualTo(LATER);
		assertThat(this.redis.getExpire(lockKey(), TimeUnit.MILLISECONDS)).isBetween(1L, 30_000L);
	}

	private String lockKey() {
		return this.keyspace.key(RedisLockStore.FEATURE, "k");
	}

	private RedisLockRegistry registry() {
		RedisLockRegistry registry = new RedisLockRegistry(factory(this.server), this.keyspace, null,
				LockOptions.DEFAULTS);
		this.closeables.add(0, registry);
		return registry;
	}

	private RedisLockStore store() {
		LettuceConnectionFactory factory = factory(this.server);
		RedisPubSubHub hub = new RedisPubSubHub(factory);
		this.closeables.add(0, hub::destroy);
		return new RedisLockStore(new ScriptConnection(factory), this.keyspace, hub, Duration.ofSeconds(5));
	}

	private LettuceConnectionFactory factory(RedisTestServer server) {
		LettuceConnectionFactory factory = server.newConnectionFactory();
		this.factories.add(factory);
		return factory;
	}

}
