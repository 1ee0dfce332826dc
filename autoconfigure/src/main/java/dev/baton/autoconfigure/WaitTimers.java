package dev.baton.autoconfigure;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.baton.WaitObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Records waits and holds as two Micrometer timers tagged with the permit's name (and the
 * outcome for waits), never the key: unbounded cardinality. Timers are looked up once per tag set.
 */
class WaitTimers implements WaitObserver {

	private final MeterRegistry registry;

	private final String waitMeter;

	private final String heldMeter;

	private final String what;

	private final Map<String, Timer> waitTimers = new ConcurrentHashMap<>();

	private final Map<String, Timer> heldTimers = new ConcurrentHashMap<>();

	/**
	 * @param what names the permit in the meters' descriptions, e.g. {@code "a keyed mutex"}
	 */
	WaitTimers(MeterRegistry registry, String waitMeter, String heldMeter, String what) {
		this.registry = registry;
		this.waitMeter = waitMeter;
		this.heldMeter = heldMeter;
		this.what = what;
	}

	@Override
	public void waited(String name, Outcome outcome, long nanos) {
		String tag = outcome.name().toLowerCase(Locale.ROOT);
		this.waitTimers.computeIfAbsent(name + '\u0000' + tag, (id) -> Timer.builder(this.waitMeter)
			.description("Time spent waiting for " + this.what)
			.tags("name", name, "outcome", tag)
			.register(this.registry)).record(nanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void held(String name, long nanos) {
		this.heldTimers.computeIfAbsent(name, (id) -> Timer.builder(this.heldMeter)
			.description("Time " + this.what + " was held")
			.tags("name", name)
			.register(this.registry)).record(nanos, TimeUnit.NANOSECONDS);
	}

}
