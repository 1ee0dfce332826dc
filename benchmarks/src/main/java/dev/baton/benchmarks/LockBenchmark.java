package dev.baton.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import dev.baton.lock.LockOptions;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

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
			List<LockPeer> peers = LockPeer.withPeersOf(new LockPeer.BatonLock(redis, batonOptions), redis);
			List<Uncontended> uncontended = new ArrayList<>();
			for (LockPeer peer : peers) {
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
			for (LockPeer peer : peers) {
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
				ContendedLocks.section(template, key);
				count++;
			}
			return count / ((System.nanoTime() - start) / 1e9);
		}
		finally {
			factory.destroy();
		}
	}

	/** One peer's uncontended lock + unlock, measured in slices next to the PING of its client. */
	private static final class Uncontended {

		private final LockPeer peer;

		private final LockPeer.Instance contender;

		private final Lock lock;

		private final Samples locks = new Samples();

		private final Samples pings = new Samples();

		Uncontended(LockPeer peer) throws Exception {
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

	private static String contended(LockPeer peer, BenchmarkRedis redis, int seconds, double ceiling) throws Exception {
		ContendedLocks.Outcome outcome = ContendedLocks.run(ContendedLocks.instancesOf(peer), "bench:contended:" + peer.name(),
				redis, "bench:counter:" + peer.name(), seconds);
		Samples waits = outcome.waits();
		double opsPerSecond = outcome.total() / outcome.seconds();
		return String.format(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f | %.2f | %.1f | %.3f | %d |", peer.name(), opsPerSecond,
				opsPerSecond / ceiling, waits.percentileMicros(50) / 1000, waits.percentileMicros(99) / 1000,
				waits.maxMicros() / 1000, Samples.jain(outcome.counts()), outcome.lost());
	}

}
