package dev.baton.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import com.google.common.util.concurrent.Striped;
import dev.baton.mutex.KeyedMutexPool;
import dev.baton.mutex.MutexObserver;
import dev.baton.mutex.MutexPermit;

/**
 * Baton's {@link KeyedMutexPool} against Guava's {@code Striped<Lock>} and a never-cleaned
 * {@code ConcurrentHashMap<String, ReentrantLock>}, fair and non-fair, in the same run. Ratios
 * compare like with like: each implementation with the map of the same fairness (Striped's
 * locks are non-fair), since strict FIFO costs any lock. Lock/unlock throughput
 * uncontended (one thread cycling over 1,024 keys) and on 8 hot keys with 16 threads, then
 * what stays behind after 1,000,000 distinct keys. A plain {@code System.nanoTime()} harness:
 * a warm-up round, then the median of measured rounds. Each critical section increments a
 * counter.
 * <p>
 * Run: {@code java -jar benchmarks/target/baton-benchmarks.jar mutex [roundMillis]}.
 */
public final class MutexBenchmark {

	private static final int UNCONTENDED_KEYS = 1_024;

	private static final int HOT_KEYS = 8;

	private static final int HOT_THREADS = 16;

	private static final int DISTINCT_KEYS = 1_000_000;

	private static final int ROUNDS = 3;

	private MutexBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		long roundMillis = (args.length > 0) ? Long.parseLong(args[0]) : 1_000;
		List<Subject> subjects = List.of(new BatonPool(true), new BatonPool(false), new StripedLocks(),
				new NeverCleanedMap(true), new NeverCleanedMap(false));
		String[] spread = KeyRounds.keys("user-", UNCONTENDED_KEYS);
		String[] hot = KeyRounds.keys("hot-", HOT_KEYS);
		double[] uncontended = new double[subjects.size()];
		double[] contended = new double[subjects.size()];
		for (int i = 0; i < subjects.size(); i++) {
			uncontended[i] = median(subjects.get(i), spread, 1, roundMillis);
			contended[i] = median(subjects.get(i), hot, HOT_THREADS, roundMillis);
		}
		System.out.printf(Locale.ROOT,
				"%n| Implementation | Uncontended ops/s | vs map of same fairness | 8 hot keys, 16 threads ops/s"
						+ " | vs map of same fairness | Entries after 1,000,000 keys | Retained heap |"
						+ "%n|---|---:|---:|---:|---:|---:|---:|%n");
		for (int i = 0; i < subjects.size(); i++) {
			int map = sameFairnessMap(subjects, subjects.get(i).fair());
			Retained retained = retainedAfterDistinctKeys(subjects.get(i).fresh());
			System.out.printf(Locale.ROOT, "| %s | %,.0f | %.2f× | %,.0f | %.2f× | %,d | %.1f MB |%n", subjects.get(i).name(),
					uncontended[i], uncontended[i] / uncontended[map], contended[i], contended[i] / contended[map],
					retained.entries(), retained.bytes() / 1_048_576.0);
		}
		System.out.printf(Locale.ROOT, "%nJava %s, %d CPUs, %d ms rounds, median of %d after one warm-up round.%n",
				System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), roundMillis, ROUNDS);
	}

	private static int sameFairnessMap(List<Subject> subjects, boolean fair) {
		for (int i = 0; i < subjects.size(); i++) {
			if (subjects.get(i) instanceof NeverCleanedMap && subjects.get(i).fair() == fair) {
				return i;
			}
		}
		throw new IllegalStateException("No map with fair=" + fair);
	}

	private static double median(Subject subject, String[] keys, int threads, long roundMillis) throws Exception {
		KeyRounds.opsPerSecond(subject::run, keys, threads, roundMillis);
		double[] results = new double[ROUNDS];
		for (int round = 0; round < ROUNDS; round++) {
			results[round] = KeyRounds.opsPerSecond(subject::run, keys, threads, roundMillis);
		}
		java.util.Arrays.sort(results);
		return results[ROUNDS / 2];
	}

	private static Retained retainedAfterDistinctKeys(Subject subject) {
		long before = usedHeap();
		for (int i = 0; i < DISTINCT_KEYS; i++) {
			subject.run("order-" + i);
		}
		long after = usedHeap();
		long entries = subject.entries();
		return new Retained(entries, Math.max(0, after - before));
	}

	private static long usedHeap() {
		Runtime runtime = Runtime.getRuntime();
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return runtime.totalMemory() - runtime.freeMemory();
	}



	private record Retained(long entries, long bytes) {
	}

	/** One keyed-lock implementation: lock the key, increment a counter, unlock. */
	private abstract static class Subject {

		long counter;

		abstract String name();

		abstract boolean fair();

		abstract void run(String key);

		abstract long entries();

		/** A new, empty instance, for the retained-memory measurement. */
		abstract Subject fresh();

		final void countUnder(Lock lock) {
			lock.lock();
			try {
				this.counter++;
			}
			finally {
				lock.unlock();
			}
		}

	}

	private static final class BatonPool extends Subject {

		private final boolean fair;

		private final KeyedMutexPool pool;

		BatonPool(boolean fair) {
			this.fair = fair;
			this.pool = new KeyedMutexPool(fair, MutexObserver.NONE);
		}

		@Override
		String name() {
			return "Baton KeyedMutexPool (" + (this.fair ? "fair, default" : "non-fair") + ")";
		}

		@Override
		boolean fair() {
			return this.fair;
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

		@Override
		Subject fresh() {
			return new BatonPool(this.fair);
		}

	}

	private static final class StripedLocks extends Subject {

		private static final int STRIPES = 1_024;

		private final Striped<Lock> striped = Striped.lock(STRIPES);

		@Override
		String name() {
			return "Guava Striped<Lock> (" + STRIPES + " stripes, non-fair)";
		}

		@Override
		boolean fair() {
			return false;
		}

		@Override
		void run(String key) {
			countUnder(this.striped.get(key));
		}

		@Override
		long entries() {
			return this.striped.size();
		}

		@Override
		Subject fresh() {
			return new StripedLocks();
		}

	}

	private static final class NeverCleanedMap extends Subject {

		private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

		private final boolean fair;

		NeverCleanedMap(boolean fair) {
			this.fair = fair;
		}

		@Override
		String name() {
			return "ConcurrentHashMap<String, ReentrantLock" + (this.fair ? "(true)" : "") + ">, never cleaned ("
					+ (this.fair ? "fair" : "non-fair") + ")";
		}

		@Override
		boolean fair() {
			return this.fair;
		}

		@Override
		void run(String key) {
			countUnder(this.locks.computeIfAbsent(key, (k) -> new ReentrantLock(this.fair)));
		}

		@Override
		long entries() {
			return this.locks.size();
		}

		@Override
		Subject fresh() {
			return new NeverCleanedMap(this.fair);
		}

	}

}
