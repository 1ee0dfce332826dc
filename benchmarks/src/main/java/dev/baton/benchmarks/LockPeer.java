package dev.baton.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;

import dev.baton.lock.DistributedLockRegistry;
import dev.baton.lock.LockOptions;
import dev.baton.lock.RedisLockRegistry;
import dev.baton.redis.RedisKeyspace;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * One Redis lock implementation the lock benchmarks compare: Baton's, Redisson's, Spring
 * Integration's or the usual hand-rolled one. {@link #instance()} is one application instance
 * with its own client; closing the peer closes every instance it made.
 */
abstract class LockPeer implements AutoCloseable {

	/** The Redis every instance's client connects to. */
	final BenchmarkRedis redis;

	private final List<AutoCloseable> resources = new ArrayList<>();

	LockPeer(BenchmarkRedis redis) {
		this.redis = redis;
	}

	/** Baton's peers, each with instances on {@code redis}, Baton first. */
	static List<LockPeer> withPeersOf(LockPeer baton, BenchmarkRedis redis) {
		return List.of(baton, new RedissonLock(redis), new SpringIntegrationLock(redis), new HandRolledLock(redis));
	}

	abstract String name();

	abstract Instance instance() throws Exception;

	<T extends AutoCloseable> T track(T resource) {
		this.resources.add(resource);
		return resource;
	}

	/** Closes in reverse order: a registry goes before the connection factory it runs on. */
	@Override
	public void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
		this.resources.clear();
	}

	/** One instance: its locks and a PING through its own client. */
	record Instance(Function<String, Lock> locks, Runnable pinger) {

		Lock lock(String key) {
			return this.locks.apply(key);
		}

		void ping() {
			this.pinger.run();
		}

	}

	/** A peer whose instances each have a Lettuce connection factory, pinged through Spring Data Redis. */
	private abstract static class OnLettuce extends LockPeer {

		OnLettuce(BenchmarkRedis redis) {
			super(redis);
		}

		abstract Function<String, Lock> locksOn(LettuceConnectionFactory factory);

		@Override
		Instance instance() {
			LettuceConnectionFactory factory = this.redis.newConnectionFactory();
			track(factory::destroy);
			return new Instance(locksOn(factory), pinger(factory));
		}

	}

	private static Runnable pinger(RedisConnectionFactory factory) {
		StringRedisTemplate template = new StringRedisTemplate(factory);
		return () -> template.execute((RedisCallback<String>) (connection) -> connection.ping());
	}

	/** Baton's {@link RedisLockRegistry} built by hand, with the given options. */
	static final class BatonLock extends OnLettuce {

		private final LockOptions options;

		BatonLock(BenchmarkRedis redis, LockOptions options) {
			super(redis);
			this.options = options;
		}

		@Override
		String name() {
			return "Baton RedisLockRegistry (hand-off budget " + this.options.handoffBudget() + ")";
		}

		@Override
		Function<String, Lock> locksOn(LettuceConnectionFactory factory) {
			RedisLockRegistry registry = track(
					new RedisLockRegistry(factory, new RedisKeyspace("bench-baton"), null, this.options));
			return registry::obtain;
		}

	}

	/**
	 * Baton as an application gets it: each instance a Spring Boot application with Baton's
	 * auto-configuration (default {@code baton.*} settings, Actuator's meters on), its locks the
	 * {@link DistributedLockRegistry} bean.
	 */
	static final class AutoConfiguredBatonLock extends LockPeer {

		AutoConfiguredBatonLock(BenchmarkRedis redis) {
			super(redis);
		}

		@Override
		String name() {
			return "Baton RedisLockRegistry, auto-configured";
		}

		@Override
		Instance instance() {
			ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
				.web(WebApplicationType.NONE)
				.properties("spring.main.banner-mode=off", "logging.level.root=warn",
						"spring.data.redis.host=" + this.redis.host(), "spring.data.redis.port=" + this.redis.port())
				.run();
			track(context::close);
			DistributedLockRegistry registry = context.getBean(DistributedLockRegistry.class);
			return new Instance(registry::obtain, pinger(context.getBean(RedisConnectionFactory.class)));
		}

		@SpringBootConfiguration
		@EnableAutoConfiguration
		static class Application {

		}

	}

	private static final class RedissonLock extends LockPeer {

		RedissonLock(BenchmarkRedis redis) {
			super(redis);
		}

		@Override
		String name() {
			return "Redisson RLock";
		}

		@Override
		Instance instance() {
			Config config = new Config();
			config.useSingleServer().setAddress(this.redis.url()).setConnectionMinimumIdleSize(2);
			RedissonClient client = Redisson.create(config);
			track(client::shutdown);
			return new Instance(client::getLock,
					() -> client.getRedisNodes(org.redisson.api.redisnode.RedisNodes.SINGLE).getInstance().ping());
		}

	}

	private static final class SpringIntegrationLock extends OnLettuce {

		SpringIntegrationLock(BenchmarkRedis redis) {
			super(redis);
		}

		@Override
		String name() {
			return "Spring Integration RedisLockRegistry";
		}

		@Override
		Function<String, Lock> locksOn(LettuceConnectionFactory factory) {
			org.springframework.integration.redis.util.RedisLockRegistry registry = new org.springframework.integration.redis.util.RedisLockRegistry(
					factory, "bench-si");
			track(registry::destroy);
			return registry::obtain;
		}

	}

	/** {@code SET NX PX} + compare-and-delete Lua, 10 ms sleep between tries: the usual hand-written lock. */
	private static final class HandRolledLock extends OnLettuce {

		private static final RedisScript<Long> COMPARE_AND_DELETE = RedisScript.of(
				"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
				Long.class);

		HandRolledLock(BenchmarkRedis redis) {
			super(redis);
		}

		@Override
		String name() {
			return "hand-rolled SET NX + sleep 10 ms";
		}

		@Override
		Function<String, Lock> locksOn(LettuceConnectionFactory factory) {
			StringRedisTemplate template = new StringRedisTemplate(factory);
			return (key) -> new SetNxLock(template, key);
		}

		private static final class SetNxLock extends BenchmarkLock {

			private final StringRedisTemplate template;

			private final String key;

			private String token;

			SetNxLock(StringRedisTemplate template, String key) {
				this.template = template;
				this.key = key;
			}

			@Override
			public void lock() {
				String candidate = UUID.randomUUID().toString();
				while (!Boolean.TRUE.equals(
						this.template.opsForValue().setIfAbsent(this.key, candidate, Duration.ofSeconds(30)))) {
					try {
						Thread.sleep(10);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						throw new IllegalStateException(ex);
					}
				}
				this.token = candidate;
			}

			@Override
			public void unlock() {
				this.template.execute(COMPARE_AND_DELETE, List.of(this.key), this.token);
			}

		}

	}

	/** The parts of {@link Lock} a benchmark lock does not need. */
	private abstract static class BenchmarkLock implements Lock {

		@Override
		public void lockInterruptibly() {
			lock();
		}

		@Override
		public boolean tryLock() {
			throw new UnsupportedOperationException("benchmark lock");
		}

		@Override
		public boolean tryLock(long time, TimeUnit unit) {
			throw new UnsupportedOperationException("benchmark lock");
		}

		@Override
		public java.util.concurrent.locks.Condition newCondition() {
			throw new UnsupportedOperationException("benchmark lock");
		}

	}

}
