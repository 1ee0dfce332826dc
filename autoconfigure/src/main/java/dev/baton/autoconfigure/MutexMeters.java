package dev.baton.autoconfigure;

import dev.baton.mutex.KeyedMutexPool;
import dev.baton.mutex.MutexObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The keyed mutex's meters: {@code baton.mutex.wait}, {@code baton.mutex.held} and the {@code baton.mutex.keys} gauge. */
final class MutexMeters extends WaitTimers implements MutexObserver {

	MutexMeters(MeterRegistry registry) {
		super(registry, "baton.mutex.wait", "baton.mutex.held", "a keyed mutex");
	}

	static void bindKeysGauge(KeyedMutexPool pool, MeterRegistry registry) {
		Gauge.builder("baton.mutex.keys", pool, KeyedMutexPool::size)
			.description("Keys whose mutex is held or waited for now")
			.register(registry);
	}

}
