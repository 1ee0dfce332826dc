package dev.baton.lock;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.baton.redis.RedisKeyspace;
import dev.baton.test.RedisTestServer;
import dev.baton.test.RedisTestServers;
import io.lettuce.core.ClientOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

class RedlockRegistryTests {

	private List<RedisTestServer> masters;

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final List<RedlockRegistry> registries = new ArrayList<>();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeEach
	void startMasters() {
		this.masters = RedisTestServers.start(3);
	}

	@AfterEach
	void tearDown() throws Exception {
		for (RedlockRegistry registry : this.registries) {
			registry.close();
		}
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.factories.forEach(LettuceConnectionFactory::destroy);
		this.masters.forEach(RedisTestServer::close);
	}

	@Test
	void excludesAcrossInstancesOnAQuorum() throws Exception {
		RedlockRegistry first = registry();
		RedlockRegistry second = registry();
		DistributedLock lock = first.obtain("order");
		lock.lock();
		assertThat(second.obtain("order").tryLock(100, java.util.concurrent.TimeUnit.MILLISECONDS)).isFalse();
		long token = lock.fencingToken();
		lock.unlock();
		DistributedLock next = second.obtain("order");
		assertThat(next.tryLock(Duration.ofSeconds(1), null)).isTrue();
		assertThat(next.fencingToken()).isGreaterThan(token);
		next.unlock();
	}

	@Test
	void stillAcquiresWithOneMasterDown() throws Exception {
		RedlockRegistry registry = registry();
		RedlockRegistry rival = registry();
		this.masters.get(1).stop();
		DistributedLock lock = registry.obtain("degraded");
		assertThat(lock.tryLock(Duration.ofSeconds(2), null)).isTrue();
		assertThat(rival.obtain("degraded").tryLock()).isFalse();
		lock.unlock();
		assertThat(rival.obtain("degraded").tryLock()).isTrue();
		rival.obtain("degraded").unlock();
	}

	@Test
	void failsClearlyWithTwoMastersDown() {
		RedlockRegistry registry = registry();
		this.masters.get(0).stop();
		this.masters.get(2).stop();
		assertThatExceptionOfType(LockUnavailableException.class)
			.isThrownBy(() -> registry.obtain("lost-quorum").tryLock(Duration.ofSeconds(1), null))
			.withMessageContaining("only 1 of 3 Redlock masters answered")
			.withMessageContaining("quorum of 2");
		assertThat(registry.trackedKeys()).isZero();
	}

	@Test
	void aWinnerLeavesTheQueueOfAMasterThatRefusedIt() throws Exception {
		RedisTestServer third = this.masters.get(2);
		DistributedLock squatted = onlyOn(third).obtain("contested");
		squatted.lock();
		DistributedLock lock = registry().obtain("contested");
		// Queued behind the squatter on the third master, granted by the other two.
		assertThat(lock.tryLock(Duration.ofSeconds(20), null)).isTrue();
		StringRedisTemplate thirdMaster = new StringRedisTemplate(factory(third));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> thirdMaster.opsForZSet().zCard("redlock:lock:{contested}:queue") == 0);
		// So the third master's lock is free for anyone once the squatter is done, not kept for
		// a waiter that holds the lock elsewhere already.
		squatted.unlock();
		RedisLockRegistry newcomer = onlyOn(third);
		assertThat(newcomer.obtain("contested").tryLock()).isTrue();
		newcomer.obtain("contested").unlock();
		lock.unlock();
	}

	@Test
	void aWinnerLeavesTheQueueOfASlowMasterThatDoesNotKnowTheScriptYet() throws Exception {
		RedisTestServer third = this.masters.get(2);
		DistributedLock squatted = onlyOn(third).obtain("slow");
		squatted.lock();
		DistributedLock lock = registry().obtain("slow");
		// The third master answers nothing for 0.8 s, past the 200 ms master timeout, and has never
		// run the give-up script: the winner's leaving is answered NOSCRIPT and sent again as EVAL.
		StringRedisTemplate thirdMaster = new StringRedisTemplate(factory(third));
		thirdMaster.execute((RedisCallback<Object>) (connection) -> connection.execute("CLIENT",
				"PAUSE".getBytes(StandardCharsets.UTF_8), "800".getBytes(StandardCharsets.UTF_8)));
		assertThat(lock.tryLock(Duration.ofSeconds(20), null)).isTrue();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> thirdMaster.opsForZSet().zCard("redlock:lock:{slow}:queue") == 0);
		lock.unlock();
		squatted.unlock();
	}

	/** A plain registry on one of the masters, with the Redlock registries' key names. */
	private RedisLockRegistry onlyOn(RedisTestServer master) {
		RedisLockRegistry registry = new RedisLockRegistry(factory(master), new RedisKeyspace("redlock"), null,
				LockOptions.DEFAULTS);
		this.closeables.add(registry);
		return registry;
	}

	private RedlockRegistry registry() {
		List<LettuceConnectionFactory> nodes = this.masters.stream().map(this::factory).toList();
		RedlockRegistry registry = new RedlockRegistry(nodes, new RedisKeyspace("redlock"), LockOptions.DEFAULTS,
				Duration.ofMillis(200));
		this.registries.add(registry);
		return registry;
	}

	private LettuceConnectionFactory factory(RedisTestServer server) {
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.commandTimeout(Duration.ofSeconds(1))
			.clientOptions(ClientOptions.builder()
				.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
				.build())
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(server.host(), server.port()), client);
		factory.afterPropertiesSet();
		factory.start();
		this.factories.add(factory);
		return factory;
	}

}
