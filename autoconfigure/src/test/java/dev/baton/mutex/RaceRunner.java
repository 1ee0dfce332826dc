package dev.baton.mutex;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/** The race tests' way of running work on many threads at once, or one call on another thread. */
final class RaceRunner {

	private RaceRunner() {
	}

	/** Runs {@code worker} on {@code threads} threads at once, each given its index; fails after two minutes. */
	static void runOnThreads(ExecutorService executor, int threads, IntConsumer worker) throws Exception {
		List<CompletableFuture<Void>> running = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int index = t;
			running.add(CompletableFuture.runAsync(() -> worker.accept(index), executor));
		}
		CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
	}

	/** Calls {@code action} on another thread and returns its result; fails after ten seconds. */
	static <T> T elsewhere(ExecutorService executor, Callable<T> action) throws Exception {
		return executor.submit(action).get(10, TimeUnit.SECONDS);
	}

}
