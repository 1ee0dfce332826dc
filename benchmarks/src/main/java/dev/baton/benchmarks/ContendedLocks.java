package dev.baton.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The contended lock scenario: {@value #INSTANCES} instances × {@value #THREADS_PER_INSTANCE}
 * threads take one key in turn for a fixed time, the critical section a Redis GET + SET of a
 * counter (each instance with its own connection for it), so that a lost increment shows broken
 * exclusion.
 */
final class ContendedLocks {

	static final int INSTANCES = 4;

	static final int THREADS_PER_INSTANCE = 2;

	private ContendedLocks() {
	}

	/** The {@value #INSTANCES} instances of {@code peer} the scenario runs on. */
	static List<LockPeer.Instance> instancesOf(LockPeer peer) throws Exception {
		List<LockPeer.Instance> instances = new ArrayList<>();
		for (int i = 0; i < INSTANCES; i++) {
			instances.add(peer.instance());
		}
		return instances;
	}

	/** The critical section: read the counter, write it back plus one. */
	static void section(StringRedisTemplate template, String key) {
		String value = template.opsForValue().get(key);
		template.opsForValue().set(key, Long.toString((value != null) ? Long.parseLong(value) + 1 : 1));
	}

	/**
	 * Runs the scenario for {@code seconds} on lock {@code key}.
	 * @param sections the Redis the critical sections run on
	 * @param counter the counter's key there, expected absent or zero
	 */
	static Outcome run(List<LockPeer.Instance> instances, String key, BenchmarkRedis sections, String counter,
			int seconds) throws InterruptedException {
		List<Thread> threads = new ArrayList<>();
		List<Samples> waits = new ArrayList<>();
		long[] counts = new long[INSTANCES * THREADS_PER_INSTANCE];
		List<LettuceConnectionFactory> sectionFactories = new ArrayList<>();
		CountDownLatch ready = new CountDownLatch(counts.length);
		long[] window = new long[2];
		CountDownLatch go = new CountDownLatch(1);
		for (int i = 0; i < INSTANCES; i++) {
			LockPeer.Instance instance = instances.get(i);
			LettuceConnectionFactory sectionFactory = sections.newConnectionFactory();
			sectionFactories.add(sectionFactory);
			StringRedisTemplate template = new StringRedisTemplate(sectionFactory);
			for (int t = 0; t < THREADS_PER_INSTANCE; t++) {
				int slot = i * THREADS_PER_INSTANCE + t;
				Samples samples = new Samples();
				waits.add(samples);
				Lock lock = instance.lock(key);
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
				}, "contender-" + slot));
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
		String stored = new StringRedisTemplate(sectionFactories.get(0)).opsForValue().get(counter);
		sectionFactories.forEach(LettuceConnectionFactory::destroy);
		return new Outcome(counts, Samples.merge(waits), elapsed, (stored != null) ? Long.parseLong(stored) : 0);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * What one run did.
	 * @param counts lock + unlock done, per thread
	 * @param waits every wait for the lock, in nanoseconds
	 * @param seconds how long the run took
	 * @param counted the counter the sections incremented
	 */
	record Outcome(long[] counts, Samples waits, double seconds, long counted) {

		/** Lock + unlock done by all threads. */
		long total() {
			long total = 0;
			for (long count : this.counts) {
				total += count;
			}
			return total;
		}

		/** Increments lost: sections that ran without exclusion. */
		long lost() {
			return total() - this.counted;
		}

	}

}
