package dev.baton.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.redis.RedisKeyspace;
import dev.baton.singleflight.FlightOptions;
import dev.baton.singleflight.SingleFlight;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Single-flight on cold keys: {@code callers} threads on each of three instances ask for the
 * same cold key at once; the loader takes {@code loaderMillis}. Measures, per design, loader
 * runs per key and follower latency (the call time of callers that did not run the loader).
 * Peers in the same run: the poll-every-100 ms lock-and-poll design, and Spring's
 * {@code @Cacheable(sync = true)} over a Redis cache. Starts its own {@code redis-server}.
 * <p>
 * Arguments (all optional): keys (30), callers per instance (16), loader ms (50).
 */
public final class SingleflightBenchmark {

	private static final int INSTANCES = 3;

	/** Cold keys run before measuring, so that every design's code paths are compiled. */
	private static final int WARM_UP_KEYS = 20;

	private SingleflightBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int keys = (args.length > 0) ? Integer.parseInt(args[0]) : 30;
		int callers = (args.length > 1) ? Integer.parseInt(args[1]) : 16;
		Duration loader = Duration.ofMillis((args.length > 2) ? Long.parseLong(args[2]) : 50);
		ExecutorService pool = Executors.newFixedThreadPool(INSTANCES * callers);
		List<LettuceConnectionFactory> factories = new ArrayList<>();
		try (BenchmarkRedis redis = BenchmarkRedis.start()) {
			for (int i = 0; i < INSTANCES * 4; i++) {
				factories.add(redis.newConnectionFactory());
			}
			Bench bench = new Bench(pool, keys, callers, loader);
			List<Result> results = List.of(bench.run("Baton SingleFlight", baton(factories.subList(0, 3), redis)),
					bench.run("Lock + poll every 100 ms", polling(factories.subList(3, 6))),
					bench.run("Spring @Cacheable(sync = true), RedisCacheManager", cacheable(factories.subList(6, 9), false)),
					bench.run("Spring @Cacheable(sync = true), locking RedisCacheWriter",
							cacheable(factories.subList(9, 12), true)));
			System.out.println("\nRedis: " + redis.describe());
			print(results, keys, callers, loader);
		}
		finally {
			pool.shutdownNow();
			factories.forEach(LettuceConnectionFactory::destroy);
		}
		System.exit(0);
	}

	/** One design's three instances: instance {@code i} answers {@code key} with {@code loader}. */
	interface Design {

		String call(int instance, String key, Callable<String> loader) throws Exception;

	}

	private static Design baton(List<LettuceConnectionFactory> factories, BenchmarkRedis redis) {
		RedisKeyspace keyspace = new RedisKeyspace("bench-baton");
		List<SingleFlight> flights = factories.stream()
			.map((factory) -> SingleFlight.builder().redis(factory).keyspace(keyspace).build())
			.toList();
		awaitSubscribers(redis, keyspace.channel("singleflight", "done"), flights.size());
		FlightOptions<String> options = FlightOptions.of(String.class).named("bench");
		return (instance, key, loader) -> flights.get(instance).execute(key, options, loader);
	}

	private static Design polling(List<LettuceConnectionFactory> factories) {
		List<PollingSingleFlight> peers = factories.stream()
			.map((factory) -> new PollingSingleFlight(new StringRedisTemplate(factory), "bench-poll"))
			.toList();
		return (instance, key, loader) -> peers.get(instance).get(key, loader);
	}

	private static Design cacheable(List<LettuceConnectionFactory> factories, boolean locking) {
		List<CacheableSyncPeer> peers = factories.stream().map((factory) -> new CacheableSyncPeer(factory, locking)).toList();
		return (instance, key, loader) -> peers.get(instance).get(key, loader);
	}

	/** Runs the rounds of one design: one cold key per round, every caller of every instance at once. */
	private record Bench(ExecutorService pool, int keys, int callers, Duration loader) {

		Result run(String name, Design design) throws Exception {
			Result result = new Result(name);
			for (int k = 0; k < WARM_UP_KEYS; k++) {
				round(design, name + " warm-up-" + k, new Result(name));
			}
			for (int k = 0; k < this.keys; k++) {
				round(design, name + " key-" + k, result);
			}
			return result;
		}

		private void round(Design design, String key, Result result) throws Exception {
			AtomicInteger keyRuns = new AtomicInteger();
			CountDownLatch start = new CountDownLatch(1);
			List<Future<long[]>> calls = new ArrayList<>();
			for (int i = 0; i < INSTANCES * this.callers; i++) {
				int instance = i % INSTANCES;
				calls.add(this.pool.submit(() -> call(design, instance, key, keyRuns, start)));
			}
			start.countDown();
			for (Future<long[]> call : calls) {
				long[] outcome = call.get(60, TimeUnit.SECONDS);
				if (outcome[1] == 0) {
					result.followerNanos.add(outcome[0]);
				}
				else {
					result.leaderNanos.add(outcome[0]);
					result.loaderNanos.add(outcome[1]);
				}
			}
			result.keys++;
		}

		/** Returns {call nanos, loader nanos or 0 when this caller did not run the loader}. */
		private long[] call(Design design, int instance, String key, AtomicInteger runs, CountDownLatch start)
				throws Exception {
			long[] loaderNanos = new long[1];
			start.await();
			long began = System.nanoTime();
			design.call(instance, key, () -> {
				long loadStart = System.nanoTime();
				runs.incrementAndGet();
				// The loader's work (a database query) takes this long.
				Thread.sleep(this.loader.toMillis());
				loaderNanos[0] = System.nanoTime() - loadStart;
				return key + "@" + instance;
			});
			return new long[] { System.nanoTime() - began, loaderNanos[0] };
		}

	}

	/** What one design measured: call times of followers and leaders, loader times, keys. */
	private static final class Result {

		final String name;

		final Samples followerNanos = new Samples();

		final Samples leaderNanos = new Samples();

		final Samples loaderNanos = new Samples();

		int keys;

		Result(String name) {
			this.name = name;
		}

		double runsPerKey() {
			return (double) this.loaderNanos.size() / this.keys;
		}

		double followerMillis(double percentile) {
			return this.followerNanos.percentileMicros(percentile) / 1000;
		}

		/** The median of some samples, in ms. */
		static double medianMillis(Samples samples) {
			return samples.percentileMicros(50) / 1000;
		}

	}

	private static void print(List<Result> results, int keys, int callers, Duration loader) {
		System.out.printf(Locale.ROOT, "%n%d cold keys; %d callers on each of %d instances per key; loader %d ms; "
				+ "JVM %s, %d CPUs%n%n", keys, callers, INSTANCES, loader.toMillis(), System.getProperty("java.version"),
				Runtime.getRuntime().availableProcessors());
		System.out.println("| Design | Loader runs per key | Leader call, median (ms) | Follower p50 (ms) | Follower p99 (ms)"
				+ " | Follower p99 − leader call (ms) | Follower p99 vs Baton |");
		System.out.println("|---|---:|---:|---:|---:|---:|---:|");
		double batonP99 = results.get(0).followerMillis(99);
		for (Result result : results) {
			double p99 = result.followerMillis(99);
			double leader = Result.medianMillis(result.leaderNanos);
			System.out.printf(Locale.ROOT, "| %s | %.2f | %.1f | %s | %s | %s | %s |%n", result.name, result.runsPerKey(),
					leader, figure(result.followerMillis(50), "%.1f"), figure(p99, "%.1f"), figure(p99 - leader, "%+.1f"),
					figure(p99 / batonP99, "%.2f×"));
		}
		System.out.println("\nLoader time, median: " + String.format(Locale.ROOT, "%.1f ms",
				Result.medianMillis(results.get(0).loaderNanos)) + ". A design without follower figures ran the "
				+ "loader for every caller.");
	}

	private static String figure(double value, String format) {
		return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, format, value);
	}

	private static void awaitSubscribers(BenchmarkRedis redis, String channel, int count) {
		RedisClient client = RedisClient.create(redis.url());
		try (StatefulRedisConnection<String, String> connection = client.connect()) {
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (connection.sync().pubsubNumsub(channel).getOrDefault(channel, 0L) < count) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Pub/sub subscriptions did not start within 10 s");
				}
				java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
			}
		}
		finally {
			client.shutdown();
		}
	}

}
