package dev.baton.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import dev.baton.annotation.DistributedLock;
import dev.baton.lock.DistributedLockRegistry;
import dev.baton.lock.LockObserver;
import dev.baton.lock.RedisLockRegistry;
import dev.baton.mutex.KeyedMutexPool;
import dev.baton.mutex.MutexObserver;
import dev.baton.mutex.MutexPermit;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * What Baton's default observability costs: the keyed mutex and the distributed lock as an
 * application gets them (built through Spring Boot, Actuator's meter registry present, so
 * Baton's meters on), next to the same built by hand without meters, in the same run.
 * <ul>
 * <li>Keyed mutex: lock, increment, unlock; one thread over 1,024 keys, then 16 threads on 8 hot
 * keys; then the entries left after 1,000,000 distinct keys. The never-cleaned
 * {@code ConcurrentHashMap<String, ReentrantLock>} of the same fairness is the reference.</li>
 * <li>Distributed lock, uncontended, one thread: the hand-built {@code RedisLockRegistry}, the
 * auto-configured registry bean, and a {@code @DistributedLock} method of the same context
 * (aspect, key expression and meters), each lock + unlock, taking turns in rounds.</li>
 * </ul>
 * Run: {@code java -jar benchmarks/target/baton-benchmarks.jar observability [roundMillis] [lockIterations]}.
 */
public final class ObservabilityBenchmark {

	private static final int ROUNDS = 5;

	private static final int LOCK_ROUNDS = 20;

	private ObservabilityBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		long roundMillis = (args.length > 0) ? Long.parseLong(args[0]) : 1_000;
		int lockIterations = (args.length > 1) ? Integer.parseInt(args[1]) : 20_000;
		try (BenchmarkRedis redis = BenchmarkRedis.start()) {
			mutex(redis, roundMillis);
			lock(redis, lockIterations);
		}
		System.out.printf(Locale.ROOT, "%nJava %s, %d CPUs, %d ms rounds; keyed mutex: medians of %d rounds (ratios: median of the per-round ratios) after a warm-up round, the subjects taking turns in each round.%n",
				System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), roundMillis, ROUNDS);
	}

	private static void mutex(BenchmarkRedis redis, long roundMillis) throws Exception {
		String[] spread = KeyRounds.keys("user-", 1_024);
		String[] hot = KeyRounds.keys("hot-", 8);
		System.out.printf(Locale.ROOT, "%n| Keyed mutex | Uncontended ops/s | vs map | 8 hot keys, 16 threads ops/s | vs map"
				+ " | Entries after 1,000,000 keys |%n|---|---:|---:|---:|---:|---:|%n");
		for (boolean fair : new boolean[] { true, false }) {
			try (ConfigurableApplicationContext context = application(fair, redis)) {
				KeyedMutexPool configured = context.getBean(KeyedMutexPool.class).named("bench");
				long meters = batonMeters(context);
				List<Subject> subjects = List.of(new MapSubject(fair), new PoolSubject("Baton KeyedMutexPool, bare",
						new KeyedMutexPool(fair, MutexObserver.NONE).named("bench")),
						new PoolSubject("Baton KeyedMutexPool, auto-configured, meters on", configured));
				double[][] uncontended = interleaved(subjects, spread, 1, roundMillis);
				double[][] contended = interleaved(subjects, hot, 16, roundMillis);
				for (int i = 0; i < subjects.size(); i++) {
					Subject subject = subjects.get(i);
					for (int k = 0; k < 1_000_000; k++) {
						subject.run("order-" + k);
					}
					System.out.printf(Locale.ROOT, "| %s (%s) | %,.0f | %.2f× | %,.0f | %.2f× | %,d |%n", subject.name,
							fair ? "fair" : "non-fair", median(uncontended[i]), medianRatio(uncontended[i], uncontended[0]),
							median(contended[i]), medianRatio(contended[i], contended[0]), subject.entries());
				}
				if (batonMeters(context) != meters) {
					throw new IllegalStateException("Baton registered meters while measuring");
				}
			}
		}
	}

	private static void lock(BenchmarkRedis redis, int iterations) throws Exception {
		try (ConfigurableApplicationContext context = application(true, redis);
				ConfigurableApplicationContext unobserved = application(true, redis, LockObserver.NONE)) {
			LettuceConnectionFactory factory = redis.newConnectionFactory();
			try (RedisLockRegistry bare = new RedisLockRegistry(factory)) {
				DistributedLockRegistry configured = context.getBean(DistributedLockRegistry.class);
				LockedSection annotated = context.getBean(LockedSection.class);
				LockedSection withoutMeters = unobserved.getBean(LockedSection.class);
				List<LockSubject> subjects = List.of(
						new LockSubject("Baton RedisLockRegistry, bare", () -> lockUnlock(bare, "bench:bare")),
						new LockSubject("Baton registry bean, auto-configured", () -> lockUnlock(configured, "bench:bean")),
						new LockSubject("@DistributedLock method, auto-configured, observer replaced by LockObserver.NONE",
								() -> withoutMeters.run("bench:unobserved")),
						new LockSubject("@DistributedLock method, auto-configured, default meters and observations",
								() -> annotated.run("bench:annotated")));
				int slice = Math.max(1, iterations / LOCK_ROUNDS);
				for (LockSubject subject : subjects) {
					subject.measure(slice, null);
				}
				for (int round = 0; round < LOCK_ROUNDS; round++) {
					for (LockSubject subject : subjects) {
						subject.measure(slice, subject.samples);
					}
				}
				double bareP50 = subjects.get(0).samples.percentileMicros(50);
				System.out.printf(Locale.ROOT, "%n| Distributed lock, uncontended, one thread | p50 µs | p99 µs | p50 − bare p50 µs |"
						+ "%n|---|---:|---:|---:|%n");
				for (LockSubject subject : subjects) {
					double p50 = subject.samples.percentileMicros(50);
					System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %+.1f |%n", subject.name, p50,
							subject.samples.percentileMicros(99), p50 - bareP50);
				}
				System.out.printf(Locale.ROOT, "%nRedis: %s, %,d lock + unlock per lock, in %d rounds.%n", redis.describe(),
						slice * LOCK_ROUNDS, LOCK_ROUNDS);
			}
			finally {
				factory.destroy();
			}
		}
	}

	private static long batonMeters(ConfigurableApplicationContext context) {
		return context.getBean(MeterRegistry.class)
			.getMeters()
			.stream()
			.filter((meter) -> meter.getId().getName().startsWith("baton."))
			.count();
	}

	private static void lockUnlock(DistributedLockRegistry registry, String key) {
		dev.baton.lock.DistributedLock lock = registry.obtain(key);
		lock.lock();
		lock.unlock();
	}

	/** The application: Baton's auto-configuration with Actuator's metrics, on {@code redis}. */
	private static ConfigurableApplicationContext application(boolean fair, BenchmarkRedis redis,
			LockObserver... lockObserver) {
		return new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.initializers((context) -> {
				for (LockObserver observer : lockObserver) {
					context.getBeanFactory().registerSingleton("ownLockObserver", observer);
				}
			})
			.properties("spring.main.banner-mode=off", "logging.level.root=warn", "baton.mutex.fair=" + fair,
					"spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port())
			.run();
	}

	/**
	 * Ops/s of every subject in {@link #ROUNDS} rounds after a warm-up round; in each round the
	 * subjects take turns, so that each meets the same machine (it is shared and its load moves).
	 */
	private static double[][] interleaved(List<Subject> subjects, String[] keys, int threads, long roundMillis)
			throws Exception {
		double[][] results = new double[subjects.size()][ROUNDS];
		for (Subject subject : subjects) {
			KeyRounds.opsPerSecond(subject::run, keys, threads, roundMillis);
		}
		for (int round = 0; round < ROUNDS; round++) {
			for (int i = 0; i < subjects.size(); i++) {
				results[i][round] = KeyRounds.opsPerSecond(subjects.get(i)::run, keys, threads, roundMillis);
			}
		}
		return results;
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted[sorted.length / 2];
	}

	/** The median over rounds of this subject's ops/s over the reference's in the same round. */
	private static double medianRatio(double[] subject, double[] reference) {
		double[] ratios = new double[subject.length];
		for (int i = 0; i < ratios.length; i++) {
			ratios[i] = subject[i] / reference[i];
		}
		return median(ratios);
	}

	private abstract static class Subject {

		final String name;

		long counter;

		Subject(String name) {
			this.name = name;
		}

		abstract void run(String key);

		abstract long entries();

	}

	private static final class PoolSubject extends Subject {

		private final KeyedMutexPool pool;

		PoolSubject(String name, KeyedMutexPool pool) {
			super(name);
			this.pool = pool;
		}

		@Override
		void run(String key) {
			try (MutexPermit permit = this.pool.lock(key)) {
				this.counter++;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Override
		long entries() {
			return this.pool.size();
		}

	}

	private static final class MapSubject extends Subject {

		private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

		private final boolean fair;

		MapSubject(boolean fair) {
			super("ConcurrentHashMap<String, ReentrantLock>, never cleaned");
			this.fair = fair;
		}

		@Override
		void run(String key) {
			ReentrantLock lock = this.locks.computeIfAbsent(key, (k) -> new ReentrantLock(this.fair));
			lock.lock();
			try {
				this.counter++;
			}
			finally {
				lock.unlock();
			}
		}

		@Override
		long entries() {
			return this.locks.size();
		}

	}

	private static final class LockSubject {

		final String name;

		final Runnable action;

		final Samples samples = new Samples();

		LockSubject(String name, Runnable action) {
			this.name = name;
			this.action = action;
		}

		void measure(int iterations, Samples into) {
			for (int i = 0; i < iterations; i++) {
				long start = System.nanoTime();
				this.action.run();
				if (into != null) {
					into.add(System.nanoTime() - start);
				}
			}
		}

	}

	/** A method guarded the way an application guards it. */
	public static class LockedSection {

		@DistributedLock(key = "#key", name = "bench")
		public void run(String key) {
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

		@Bean
		LockedSection lockedSection() {
			return new LockedSection();
		}

	}

}
