package dev.baton.autoconfigure;

import dev.baton.mutex.KeyedMutexPool;
import dev.baton.mutex.MutexObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The keyed mutex's meters: {@code baton.mutex.wait}, {@code baton.mutex.held} (one hold in
 * {@value #HOLD_SAMPLE} timed) and the {@code baton.mutex.keys} gauge.
 */
final class MutexMeters extends WaitMeters implements MutexObserver {

	/**
	 * One hold in this many is timed: a hold of an uncontended mutex costs about as much as two
	 * clock readings, so timing all of them would halve the pool's throughput.
	 */
	static final int HOLD_SAMPLE = 16;

	MutexMeters(MeterRegistry registry) {
		super(registry, "baton.mutex.wait", "baton.mutex.held", "a keyed mutex", HOLD_SAMPLE);
	}

	static void bindKeysGauge(KeyedMutexPool pool, MeterRegistry registry) {
		Gauge.builder("baton.mutex.keys", pool, KeyedMutexPool::size)
			.description("Keys whose mutex is held or waited for now")
			.register(registry);
	}

}
