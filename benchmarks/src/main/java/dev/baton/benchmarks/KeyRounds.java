package dev.baton.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The round the keyed-mutex benchmarks measure: threads cycling over keys, each from a random
 * first key, doing one operation per key until the round ends.
 */
final class KeyRounds {

	private KeyRounds() {
	}

	/** Operations per second of {@code threads} threads running {@code operation} over {@code keys} for one round. */
	static double opsPerSecond(Consumer<String> operation, String[] keys, int threads, long roundMillis)
			throws InterruptedException {
		LongAdder operations = new LongAdder();
		AtomicBoolean running = new AtomicBoolean(true);
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread worker = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				long done = 0;
				int index = ThreadLocalRandom.current().nextInt(keys.length);
				while (running.get()) {
					operation.accept(keys[index]);
					index = (index + 1 == keys.length) ? 0 : index + 1;
					done++;
				}
				operations.add(done);
			});
			worker.start();
			workers.add(worker);
		}
		long began = System.nanoTime();
		start.countDown();
		Thread.sleep(roundMillis);
		running.set(false);
		for (Thread worker : workers) {
			worker.join();
		}
		return operations.sum() / ((System.nanoTime() - began) / 1e9);
	}

	/** {@code prefix0} to {@code prefix(count - 1)}. */
	static String[] keys(String prefix, int count) {
		String[] keys = new String[count];
		for (int i = 0; i < count; i++) {
			keys[i] = prefix + i;
		}
		return keys;
	}

}
