package dev.baton.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.function.Function;

import dev.baton.lock.LockOptions;
import dev.baton.lock.RedisLockRegistry;
import dev.baton.redis.RedisKeyspace;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Baton's Redis lock against Redisson, Spring Integration's {@code RedisLockRegistry} and the
 * usual hand-rolled lock, on one local Redis, in one run:
 * <ol>
 * <li>uncontended lock + unlock latency, next to the PING latency of the same client, the locks
 * measured in turns so that each meets the same machine;</li>
 * <li>4 instances × 2 threads on one key, the critical section a Redis GET + SET of a counter:
 * throughput, wait percentiles, Jain's fairness index over per-thread counts, and whether the
 * counter lost an increment (exclusion broken).</li>
 * </ol>
 * Arguments: seconds per contended run (default 10), uncontended iterations (default 20000),
 * Baton's hand-off budget (default: {@link LockOptions#DEFAULTS}).
 */
public final class LockBenchmark {

	private static final int INSTANCES = 4;

	private static final int THREADS_PER_INSTANCE = 2;

	private static final int UNCONTENDED_ROUNDS = 20;

	private LockBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 10;
		int iterations = (args.length > 1) ? Integer.parseInt(args[1]) : 20_000;
		LockOptions batonOptions = (args.length > 2) ? new LockOptions(LockOptions.DEFAULTS.leaseTime(),
				Integer.parseInt(args[2]), true) : LockOptions.DEFAULTS;
		try (BenchmarkRedis redis = BenchmarkRedis.start()) {
			System.out.printf("Redis: %s; %d cores; contended runs of %d s%n%n", redis.describe(),
					Runtime.getRuntime().availableProcessors(), seconds);
			List<Peer> peers = List.of(new BatonPeer(redis, batonOptions), new RedissonPeer(redis), new SpringIntegrationPeer(redis),
					new HandRolledPeer(redis));
			List<Uncontended> uncontended = new ArrayList<>();
			for (Peer peer : peers) {
				uncontended.add(new Uncontended(peer));
			}
			// Warm every client and the shared code (Lettuce, Netty) before anything is measured.
			for (Uncontended lock : uncontended) {
				lock.measure(iterations / 2, null, null);
			}
			ceiling(redis, 2);
			double ceiling = ceiling(redis, seconds);
			// Round-robin, so that every lock meets the same machine: on a shared machine the
			// round-trip time drifts by a factor of two within a minute.
			for (int round = 0; round < UNCONTENDED_ROUNDS; round++) {
				for (Uncontended lock : uncontended) {
					lock.measure(iterations / UNCONTENDED_ROUNDS, lock.locks, lock.pings);
				}
			}
			List<String> latencyRows = new ArrayList<>();
			for (Uncontended lock : uncontended) {
				latencyRows.add(lock.row());
			}
			List<String> contentionRows = new ArrayList<>();
			for (Peer peer : peers) {
				try (peer) {
					contentionRows.add(contended(peer, redis, seconds, ceiling));
				}
			}
			System.out.println("Uncontended lock + unlock (one thread):");
			System.out.println();
			System.out.println("| Lock | p50 µs | p99 µs | PING p50 µs (same client) | p50 / PING p50 |");
			System.out.println("|---|---:|---:|---:|---:|");
			latencyRows.forEach(System.out::println);
			System.out.println();
			System.out.printf("4 instances × 2 threads, one key, section = GET + SET (ceiling: %,.0f ops/s, section alone in one thread, no lock):%n%n",
					ceiling);
			System.out.println("| Lock | ops/s | × ceiling | wait p50 ms | wait p99 ms | wait max ms | Jain | increments lost |");
			System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
			contentionRows.forEach(System.out::println);
		}
	}

	private static double ceiling(BenchmarkRedis redis, int seconds) {
		LettuceConnectionFactory factory = redis.newConnectionFactory();
		try {
			StringRedisTemplate template = new StringRedisTemplate(factory);
			String key = "bench:ceiling";
			long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
			long count = 0;
			long start = System.nanoTime();
			while (System.nanoTime() < end) {
				section(template, key);
				count++;
			}
			return count / ((System.nanoTime() - start) / 1e9);
		}
		finally {
			factory.destroy();
		}
	}

	private static void section(StringRedisTemplate template, String key) {
		String value = template.opsForValue().get(key);
		template.opsForValue().set(key, Long.toString((value != null) ? Long.parseLong(value) + 1 : 1));
	}

	/** One peer's uncontended lock + unlock, measured in slices next to the PING of its client. */
	private static final class Uncontended {

		private final Peer peer;

		private final Contender contender;

		private final Lock lock;

		private final Samples locks = new Samples();

		private final Samples pings = new Samples();

		Uncontended(Peer peer) throws Exception {
			this.peer = peer;
			this.contender = peer.instance();
			this.lock = this.contender.lock("bench:uncontended:" + peer.name());
		}

		/** Alternates a lock + unlock and a PING; records them when given where to. */
		void measure(int iterations, Samples lockSamples, Samples pingSamples) {
			for (int i = 0; i < iterations; i++) {
				long start = System.nanoTime();
				this.lock.lock();
				this.lock.unlock();
				long locked = System.nanoTime();
				this.contender.ping();
				if (lockSamples != null) {
					lockSamples.add(locked - start);
					pingSamples.add(System.nanoTime() - locked);
				}
			}
		}

		String row() {
			double p50 = this.locks.percentileMicros(50);
			double ping = this.pings.percentileMicros(50);
			return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.2f |", this.peer.name(), p50,
					this.locks.percentileMicros(99), ping, p50 / ping);
		}

	}

	private static String contended(Peer peer, BenchmarkRedis redis, int seconds, double ceiling) throws Exception {
		String key = "bench:contended:" + peer.name();
		String counter = "bench:counter:" + peer.name();
		List<Thread> threads = new ArrayList<>();
		List<Samples> waits = new ArrayList<>();
		long[] counts = new long[INSTANCES * THREADS_PER_INSTANCE];
		List<LettuceConnectionFactory> sectionFactories = new ArrayList<>();
		CountDownLatch ready = new CountDownLatch(counts.length);
		long[] window = new long[2];
		CountDownLatch go = new CountDownLatch(1);
		for (int i = 0; i < INSTANCES; i++) {
			Contender contender = peer.instance();
			LettuceConnectionFactory sectionFactory = redis.newConnectionFactory();
			sectionFactories.add(sectionFactory);
			StringRedisTemplate template = new StringRedisTemplate(sectionFactory);
			for (int t = 0; t < THREADS_PER_INSTANCE; t++) {
				int slot = i * THREADS_PER_INSTANCE + t;
				Samples samples = new Samples();
				waits.add(samples);
				Lock lock = contender.lock(key);
				threads.add(new Thread(() -> {
					ready.countDown();
					await(go);
					while (System.nanoTime() - window[1] < 0) {
						long start = System.nanoTime();
						lock.lock();
						samples.add(System.nanoTime() - start);
						try {
							section(template, counter);
						}
						finally {
							lock.unlock();
						}
						counts[slot]++;
					}
				}, peer.name() + "-" + slot));
			}
		}
		threads.forEach(Thread::start);
		ready.await();
		window[0] = System.nanoTime();
		window[1] = window[0] + TimeUnit.SECONDS.toNanos(seconds);
		go.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		double elapsed = (System.nanoTime() - window[0]) / 1e9;
		long total = 0;
		for (long count : counts) {
			total += count;
		}
		StringRedisTemplate check = new StringRedisTemplate(sectionFactories.get(0));
		String stored = check.opsForValue().get(counter);
		long lost = total - ((stored != null) ? Long.parseLong(stored) : 0);
		sectionFactories.forEach(LettuceConnectionFactory::destroy);
		Samples all = Samples.merge(waits);
		double opsPerSecond = total / elapsed;
		return String.format(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f | %.2f | %.1f | %.3f | %d |", peer.name(), opsPerSecond,
				opsPerSecond / ceiling, all.percentileMicros(50) / 1000, all.percentileMicros(99) / 1000,
				all.maxMicros() / 1000, Samples.jain(counts), lost);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** One lock implementation; {@link #instance()} is one application instance with its own client. */
	private abstract static class Peer implements AutoCloseable {

		private final List<AutoCloseable> resources = new ArrayList<>();

		abstract String name();

		abstract Contender instance() throws Exception;

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
		}

	}

	/** One instance: its locks and a PING through its own client. */
	private record Contender(Function<String, Lock> locks, Runnable pinger) {

		Lock lock(String key) {
			return this.locks.apply(key);
		}

		void ping() {
			this.pinger.run();
		}

	}

	/** A peer whose instances each have a Lettuce connection factory, pinged through Spring Data Redis. */
	private abstract static class LettucePeer extends Peer {

		private final BenchmarkRedis redis;

		LettucePeer(BenchmarkRedis redis) {
			this.redis = redis;
		}

		abstract Function<String, Lock> locksOn(LettuceConnectionFactory factory);

		@Override
		Contender instance() {
			LettuceConnectionFactory factory = this.redis.newConnectionFactory();
			track(factory::destroy);
			StringRedisTemplate template = new StringRedisTemplate(factory);
			return new Contender(locksOn(factory),
					() -> template.execute((RedisCallback<String>) (connection) -> connection.ping()));
		}

	}

	private static final class BatonPeer extends LettucePeer {

		private final LockOptions options;

		BatonPeer(BenchmarkRedis redis, LockOptions options) {
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

	private static final class RedissonPeer extends Peer {

		private final BenchmarkRedis redis;

		RedissonPeer(BenchmarkRedis redis) {
			this.redis = redis;
		}

		@Override
		String name() {
			return "Redisson RLock";
		}

		@Override
		Contender instance() {
			Config config = new Config();
			config.useSingleServer().setAddress(this.redis.url()).setConnectionMinimumIdleSize(2);
			RedissonClient client = Redisson.create(config);
			track(client::shutdown);
			return new Contender(client::getLock,
					() -> client.getRedisNodes(org.redisson.api.redisnode.RedisNodes.SINGLE).getInstance().ping());
		}

	}

	private static final class SpringIntegrationPeer extends LettucePeer {

		SpringIntegrationPeer(BenchmarkRedis redis) {
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
	private static final class HandRolledPeer extends LettucePeer {

		private static final RedisScript<Long> COMPARE_AND_DELETE = RedisScript.of(
				"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
				Long.class);

		HandRolledPeer(BenchmarkRedis redis) {
			super(redis);
		}

		@Override
		String name() {
			return "hand-rolled SET NX + sleep 10 ms";
		}

		@Override
		Function<String, Lock> locksOn(LettuceConnectionFactory factory) {
			StringRedisTemplate template = new StringRedisTemplate(factory);
			return (key) -> new HandRolledLock(template, key);
		}

		private static final class HandRolledLock extends AbstractBenchmarkLock {

			private final StringRedisTemplate template;

			private final String key;

			private String token;

			HandRolledLock(StringRedisTemplate template, String key) {
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
	private abstract static class AbstractBenchmarkLock implements Lock {

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
