package dev.baton.mutex;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sixteen threads churn a million distinct keys (each key taken by two threads at about the
 * same time, so entries are created and removed under contention) and a handful of hot keys.
 */
class KeyedMutexChurnTests {

	private static final int THREADS = 16;

	private static final int DISTINCT_KEYS = 1_000_000;

	private static final int HOT_KEYS = 4;

	@ParameterizedTest(name = "fair={0}")
	@ValueSource(booleans = { true, false })
	void neverTwoHoldersOfOneKeyAndNothingLeftAfterwards(boolean fair) throws Exception {
		KeyedMutexPool pool = new KeyedMutexPool(fair, MutexObserver.NONE);
		AtomicIntegerArray inSection = new AtomicIntegerArray(DISTINCT_KEYS + HOT_KEYS);
		AtomicInteger overlaps = new AtomicInteger();
		AtomicInteger hotEntries = new AtomicInteger();
		ExecutorService executor = Executors.newFixedThreadPool(THREADS);
		try {
			List<CompletableFuture<Void>> workers = new ArrayList<>();
			int slice = DISTINCT_KEYS / (THREADS / 2);
			for (int t = 0; t < THREADS; t++) {
				int first = (t / 2) * slice;
				workers.add(CompletableFuture.runAsync(() -> {
					for (int id = first; id < first + slice; id++) {
						int keyId = (id % 64 == 0) ? DISTINCT_KEYS + (id / 64) % HOT_KEYS : id;
						pool.withMutex("k" + keyId, Duration.ofSeconds(30), () -> {
							if (inSection.incrementAndGet(keyId) != 1) {
								overlaps.incrementAndGet();
							}
							if (keyId >= DISTINCT_KEYS) {
								hotEntries.incrementAndGet();
							}
							inSection.decrementAndGet(keyId);
							return null;
						});
					}
				}, executor));
			}
			CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(overlaps).hasValue(0);
		assertThat(hotEntries.get()).isGreaterThan(0);
		assertThat(pool.size()).isZero();
	}

}
