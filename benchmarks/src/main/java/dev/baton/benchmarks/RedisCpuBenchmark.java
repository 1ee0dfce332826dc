package dev.baton.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.Lock;

/**
 * What a lock + unlock costs Redis, for Baton (auto-configured, as an application gets it) and
 * the peers of {@link LockBenchmark}, on a local Redis of the benchmark's own:
 * <ol>
 * <li>uncontended, one thread, the locks taking turns in rounds;</li>
 * <li>contended, {@link LockBenchmark}'s scenario (4 instances × 2 threads on one key), its
 * critical sections on a second Redis so that the locks' Redis serves the locks alone.</li>
 * </ol>
 * For each: the microseconds Redis spent running the commands the lock sent ({@code INFO
 * commandstats}, zeroed by {@code CONFIG RESETSTAT} before each lock's turn; a script's time
 * includes the commands it called), how many commands it sent and how many its scripts called,
 * the Redis process's CPU time (which adds reading requests and writing replies; uncontended, the
 * median of the rounds) and each as a ratio to Baton's; then where each lock's time goes, per
 * command. Which commands were sent and
 * which called by scripts is learnt from the slow log during a short pass before the measured
 * ones, since {@code INFO commandstats} counts both under the command's name.
 * <p>
 * Run: {@code java -jar benchmarks/target/baton-benchmarks.jar redis-cpu [seconds] [iterations]}:
 * seconds per contended run (default 10), uncontended lock + unlock per lock (default 10000).
 */
public final class RedisCpuBenchmark {

	private static final int ROUNDS = 20;

	private static final int WARM_UP = 2_000;

	/** Lock + unlock recorded in the slow log, uncontended; and the seconds of a recorded contended run. */
	private static final int RECORDED = 500;

	private static final int RECORDED_SECONDS = 1;

	private static final int SLOW_LOG_CAPACITY = 100_000;

	private RedisCpuBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 10;
		int iterations = (args.length > 1) ? Integer.parseInt(args[1]) : 10_000;
		try (BenchmarkRedis redis = BenchmarkRedis.start();
				BenchmarkRedis sections = BenchmarkRedis.startLocal();
				RedisCommandStats stats = new RedisCommandStats(redis)) {
			System.out.printf(Locale.ROOT, "Redis %s: %s; sections on %s; %d cores, load average %.2f at start%n%n",
					stats.version(), redis.describe(), sections.describe(), Runtime.getRuntime().availableProcessors(),
					ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
			Baseline baseline = Baseline.measure(stats);
			List<LockPeer> peers = LockPeer.withPeersOf(new LockPeer.AutoConfiguredBatonLock(redis), redis);
			List<Cost> uncontended = uncontended(peers, stats, baseline, iterations);
			for (LockPeer peer : peers) {
				peer.close();
			}
			List<Cost> contended = new ArrayList<>();
			for (LockPeer peer : peers) {
				try (peer) {
					contended.add(contended(peer, stats, baseline, sections, seconds));
				}
			}
			print("Uncontended, one thread, " + String.format(Locale.ROOT, "%,d", iterations)
					+ " lock + unlock per lock in " + ROUNDS + " rounds", uncontended);
			print(String.format(Locale.ROOT, "Contended, %d instances × %d threads on one key for %d s (sections on another Redis)",
					ContendedLocks.INSTANCES, ContendedLocks.THREADS_PER_INSTANCE, seconds), contended);
			System.out.println("Where the time goes, per lock + unlock (commands a script called are part of its time):");
			System.out.println();
			System.out.println("| Lock | Run | Command | Sent by | Calls | µs per call | µs |");
			System.out.println("|---|---|---|---|---:|---:|---:|");
			uncontended.forEach((cost) -> cost.breakdown("uncontended").forEach(System.out::println));
			contended.forEach((cost) -> cost.breakdown("contended").forEach(System.out::println));
			System.out.printf(Locale.ROOT, "%nRedis CPU net of the idle server (%.0f µs/s) and of reading the statistics (%.0f µs per reading); load average %.2f at the end.%n",
					baseline.idleMicrosPerSecond(), baseline.readingMicros(),
					ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
		}
	}

	/** Every lock warmed, its commands' origins recorded, then measured in turns, {@link #ROUNDS} rounds. */
	private static List<Cost> uncontended(List<LockPeer> peers, RedisCommandStats stats, Baseline baseline,
			int iterations) throws Exception {
		List<Lock> locks = new ArrayList<>();
		List<Cost> costs = new ArrayList<>();
		for (LockPeer peer : peers) {
			Lock lock = peer.instance().lock("bench:cpu:" + peer.name());
			lockUnlock(lock, WARM_UP);
			stats.recordEveryCommand(SLOW_LOG_CAPACITY);
			lockUnlock(lock, RECORDED);
			locks.add(lock);
			costs.add(new Cost(peer.name(), stats.origins(SLOW_LOG_CAPACITY)));
		}
		int slice = Math.max(1, iterations / ROUNDS);
		for (int round = 0; round < ROUNDS; round++) {
			for (int i = 0; i < locks.size(); i++) {
				Lock lock = locks.get(i);
				costs.get(i).measure(stats, baseline, () -> {
					lockUnlock(lock, slice);
					return slice;
				});
			}
		}
		return costs;
	}

	private static void lockUnlock(Lock lock, int times) {
		for (int i = 0; i < times; i++) {
			lock.lock();
			lock.unlock();
		}
	}

	/** One contended run to warm up and record the commands' origins, then the measured one, on the same instances. */
	private static Cost contended(LockPeer peer, RedisCommandStats stats, Baseline baseline, BenchmarkRedis sections,
			int seconds) throws Exception {
		List<LockPeer.Instance> instances = ContendedLocks.instancesOf(peer);
		String key = "bench:cpu:contended:" + peer.name();
		ContendedLocks.run(instances, key, sections, "bench:cpu:warm-up:" + peer.name(), RECORDED_SECONDS);
		stats.recordEveryCommand(SLOW_LOG_CAPACITY);
		ContendedLocks.run(instances, key, sections, "bench:cpu:recorded:" + peer.name(), RECORDED_SECONDS);
		Cost cost = new Cost(peer.name(), stats.origins(SLOW_LOG_CAPACITY));
		ContendedLocks.Outcome[] outcome = new ContendedLocks.Outcome[1];
		cost.measure(stats, baseline, () -> {
			outcome[0] = ContendedLocks.run(instances, key, sections, "bench:cpu:counter:" + peer.name(), seconds);
			return outcome[0].total();
		});
		if (outcome[0].lost() != 0) {
			throw new IllegalStateException(peer.name() + " lost " + outcome[0].lost() + " increments");
		}
		return cost;
	}

	private static void print(String title, List<Cost> costs) {
		Cost baton = costs.get(0);
		System.out.println(title + ":");
		System.out.println();
		System.out.println("| Lock | lock + unlock | Redis µs per lock + unlock | vs Baton | commands sent | commands scripts called"
				+ " | Redis CPU µs per lock + unlock | vs Baton |");
		System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
		for (Cost cost : costs) {
			System.out.printf(Locale.ROOT, "| %s | %,d | %.1f | %.2f× | %.2f | %.2f | %.1f | %.2f× |%n", cost.peer, cost.operations,
					cost.redisMicros(), cost.redisMicros() / baton.redisMicros(), cost.sent(), cost.calledByScripts(),
					cost.cpuMicros(), cost.cpuMicros() / baton.cpuMicros());
		}
		System.out.println();
	}

	/** Redis CPU that is not the locks': the idle server's, and that of reading the statistics. */
	private record Baseline(double idleMicrosPerSecond, double readingMicros) {

		static Baseline measure(RedisCommandStats stats) throws InterruptedException {
			double before = stats.cpuMicros();
			long start = System.nanoTime();
			Thread.sleep(2_000);
			double idle = (stats.cpuMicros() - before) / ((System.nanoTime() - start) / 1e9);
			int readings = 50;
			before = stats.cpuMicros();
			start = System.nanoTime();
			for (int i = 0; i < readings; i++) {
				stats.reset();
				stats.commands();
				stats.cpuMicros();
			}
			double reading = (stats.cpuMicros() - before - idle * (System.nanoTime() - start) / 1e9) / readings;
			return new Baseline(idle, reading);
		}

	}

	/** One measured turn of a lock. */
	@FunctionalInterface
	private interface Turn {

		/** Runs the turn; returns the lock + unlock it did. */
		long run() throws Exception;

	}

	/** What one lock cost Redis over its measured turns. */
	private static final class Cost {

		private final String peer;

		private final RedisCommandStats.Origins origins;

		private final Map<String, RedisCommandStats.Command> commands = new HashMap<>();

		/** Redis CPU per lock + unlock in each turn, net of the baseline. */
		private final List<Double> cpuPerTurn = new ArrayList<>();

		private long operations;

		Cost(String peer, RedisCommandStats.Origins origins) {
			this.peer = peer;
			this.origins = origins;
		}

		/** Runs a turn of this lock with the statistics zeroed before and read after. */
		void measure(RedisCommandStats stats, Baseline baseline, Turn turn) throws Exception {
			stats.reset();
			double cpuBefore = stats.cpuMicros();
			long start = System.nanoTime();
			long operations = turn.run();
			double seconds = (System.nanoTime() - start) / 1e9;
			double cpu = stats.cpuMicros() - cpuBefore - baseline.idleMicrosPerSecond() * seconds - baseline.readingMicros();
			stats.commands().forEach((name, command) -> this.commands.merge(name, command, RedisCommandStats.Command::plus));
			this.operations += operations;
			this.cpuPerTurn.add(cpu / operations);
		}

		/** Microseconds Redis ran the commands this lock sent, per lock + unlock. */
		double redisMicros() {
			double micros = 0;
			for (Map.Entry<String, RedisCommandStats.Command> entry : this.commands.entrySet()) {
				micros += entry.getValue().micros() * this.origins.sentShare(entry.getKey());
			}
			return micros / this.operations;
		}

		double sent() {
			double calls = 0;
			for (Map.Entry<String, RedisCommandStats.Command> entry : this.commands.entrySet()) {
				calls += entry.getValue().calls() * this.origins.sentShare(entry.getKey());
			}
			return calls / this.operations;
		}

		double calledByScripts() {
			double calls = 0;
			for (Map.Entry<String, RedisCommandStats.Command> entry : this.commands.entrySet()) {
				calls += entry.getValue().calls() * (1 - this.origins.sentShare(entry.getKey()));
			}
			return calls / this.operations;
		}

		/**
		 * Redis CPU per lock + unlock: the median over turns, since the server's CPU per round trip
		 * swings with what else the machine runs.
		 */
		double cpuMicros() {
			List<Double> sorted = new ArrayList<>(this.cpuPerTurn);
			sorted.sort(null);
			return sorted.get(sorted.size() / 2);
		}

		/**
		 * One row per command, most time first, leaving out those called less than once in 1,000
		 * lock + unlock; EVALSHA's time split between the scripts run.
		 */
		List<String> breakdown(String run) {
			List<String> rows = new ArrayList<>();
			this.commands.entrySet()
				.stream()
				.filter((entry) -> entry.getValue().calls() * 1000 >= this.operations)
				.sorted((a, b) -> Long.compare(b.getValue().micros(), a.getValue().micros()))
				.forEach((entry) -> {
					double share = this.origins.sentShare(entry.getKey());
					String sender = (share == 1) ? "client" : (share == 0) ? "script"
							: String.format(Locale.ROOT, "client %.0f%%, script", share * 100);
					rows.add(row(run, entry.getKey().toUpperCase(Locale.ROOT), sender, entry.getValue()));
					if (entry.getKey().equals("evalsha")) {
						rows.addAll(scriptRows(run, entry.getValue()));
					}
				});
			return rows;
		}

		/** EVALSHA's calls and time, split between the scripts in the proportions the slow log recorded (runs × median). */
		private List<String> scriptRows(String run, RedisCommandStats.Command evalsha) {
			Map<RedisCommandStats.Script, RedisCommandStats.Command> scripts = this.origins.scripts();
			long runs = scripts.values().stream().mapToLong(RedisCommandStats.Command::calls).sum();
			long micros = scripts.values().stream().mapToLong(RedisCommandStats.Command::micros).sum();
			List<String> rows = new ArrayList<>();
			if (scripts.size() > 1) {
				scripts.entrySet()
					.stream()
					.sorted((a, b) -> Long.compare(b.getValue().micros(), a.getValue().micros()))
					.forEach((script) -> rows.add(row(run, "↳ " + KnownScripts.name(script.getKey()), "split by the slow log",
							new RedisCommandStats.Command(Math.round((double) evalsha.calls() * script.getValue().calls() / runs),
									Math.round((double) evalsha.micros() * script.getValue().micros() / micros)))));
			}
			return rows;
		}

		private String row(String run, String command, String sender, RedisCommandStats.Command stat) {
			return String.format(Locale.ROOT, "| %s | %s | %s | %s | %.3f | %.2f | %.2f |", this.peer, run, command, sender,
					(double) stat.calls() / this.operations, (double) stat.micros() / Math.max(1, stat.calls()),
					(double) stat.micros() / this.operations);
		}

	}

}
