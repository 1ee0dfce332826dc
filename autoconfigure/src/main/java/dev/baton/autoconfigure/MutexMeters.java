package dev.baton.autoconfigure;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.baton.mutex.KeyedMutexPool;
import dev.baton.mutex.MutexObserver;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records keyed-mutex waits and holds as Micrometer timers tagged with the mutex's name and
 * the outcome, never the key (unbounded cardinality). Timers are looked up once per name.
 */
final class MutexMeters implements MutexObserver {

	private final MeterRegistry registry;

	private final Map<String, Timer> waitTimers = new ConcurrentHashMap<>();

	private final Map<String, Timer> heldTimers = new ConcurrentHashMap<>();

	MutexMeters(MeterRegistry registry) {
		this.registry = registry;
	}

	static void bindKeysGauge(KeyedMutexPool pool, MeterRegistry registry) {
		Gauge.builder("baton.mutex.keys", pool, KeyedMutexPool::size)
			.description("Keys whose mutex is held or waited for now")
			.register(registry);
	}

	@Override
	public void waited(String name, Outcome outcome, long nanos) {
		String tag = outcome.name().toLowerCase(Locale.ROOT);
		this.waitTimers.computeIfAbsent(name + '\u0000' + tag, (id) -> Timer.builder("baton.mutex.wait")
			.description("Time spent waiting for a keyed mutex")
			.tags("name", name, "outcome", tag)
			.register(this.registry)).record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void held(String name, long nanos) {
		this.heldTimers.computeIfAbsent(name, (id) -> Timer.builder("baton.mutex.held")
			.description("Time a keyed mutex was held")
			.tags("name", name)
			.register(this.registry)).record(nanos, TimeUnit.NANOSECONDS);
	}

}
