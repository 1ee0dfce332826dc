package dev.baton.mutex;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.AfterEach;

/** What the keyed mutex race tests share: their threads, and running work on many of them at once. */
abstract class KeyedMutexRaces {

	static final Duration LONG = Duration.ofSeconds(30);

	static final int THREADS = 8;

	static final int HOT_KEYS = 3;

	final ExecutorService executor = Executors.newCachedThreadPool();

	@AfterEach
	void stop() {
		this.executor.shutdownNow();
	}

	/** Runs {@code worker} on {@link #THREADS} threads at once, each given its index; fails after two minutes. */
	void runOnAllThreads(IntConsumer worker) throws Exception {
		runOnThreads(THREADS, worker);
	}

	/** Runs {@code worker} on {@code threads} threads at once, each given its index; fails after two minutes. */
	void runOnThreads(int threads, IntConsumer worker) throws Exception {
		List<CompletableFuture<Void>> running = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int index = t;
			running.add(CompletableFuture.runAsync(() -> worker.accept(index), this.executor));
		}
		CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
	}

	/** Calls {@code action} on another thread and returns its result; fails after ten seconds. */
	<T> T elsewhere(Callable<T> action) throws Exception {
		return this.executor.submit(action).get(10, TimeUnit.SECONDS);
	}

}
