package dev.baton.autoconfigure;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.baton.singleflight.SingleFlightObserver;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer meters of single-flight: {@code baton.singleflight.calls} (tags {@code name},
 * {@code outcome}), {@code baton.singleflight.executions} and {@code baton.singleflight.unreadable}
 * counters (tag {@code name}), {@code baton.singleflight.wait} timer (tags {@code name},
 * {@code outcome}). Never tagged with a key.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
class SingleFlightMetricsConfiguration {

	@Bean
	@ConditionalOnMissingBean(value = SingleFlightObserver.class,
			ignoredType = "dev.baton.autoconfigure.SingleFlightObservations")
	SingleFlightObserver batonSingleFlightObserver(MeterRegistry meters) {
		return new MicrometerSingleFlightObserver(meters);
	}

	/**
	 * Counts in {@link LongAdder}s published through {@link FunctionCounter}s and
	 * {@link FunctionTimer}s: a name's meters are registered once, at its first call with each
	 * outcome; a call then costs one map lookup by name and one or two striped additions.
	 */
	static final class MicrometerSingleFlightObserver implements SingleFlightObserver {

		private static final Outcome[] OUTCOMES = Outcome.values();

		private final MeterRegistry meters;

		private final Map<String, FlightMeters> flights = new ConcurrentHashMap<>();

		MicrometerSingleFlightObserver(MeterRegistry meters) {
			this.meters = meters;
		}

		@Override
		public void called(String name, Outcome outcome, long waitedNanos) {
			FlightMeters flight = flight(name);
			flight.calls[outcome.ordinal()].increment();
			if (waitedNanos >= 0) {
				flight.waitCounts[outcome.ordinal()].increment();
				flight.waitNanos[outcome.ordinal()].add(waitedNanos);
			}
			if (!flight.bound[outcome.ordinal()]) {
				flight.bind(outcome);
			}
		}

		@Override
		public void executed(String name) {
			flight(name).executions.increment();
		}

		@Override
		public void unreadable(String name) {
			flight(name).unreadable.increment();
		}

		private FlightMeters flight(String name) {
			FlightMeters flight = this.flights.get(name);
			return (flight != null) ? flight : this.flights.computeIfAbsent(name, FlightMeters::new);
		}

		private final class FlightMeters {

			private final String name;

			final LongAdder[] calls = adders();

			final LongAdder[] waitCounts = adders();

			final LongAdder[] waitNanos = adders();

			/** Whether an outcome's meters are registered; each written once, under this object's lock. */
			final boolean[] bound = new boolean[OUTCOMES.length];

			final LongAdder executions = new LongAdder();

			final LongAdder unreadable = new LongAdder();

			FlightMeters(String name) {
				this.name = name;
				MeterRegistry registry = MicrometerSingleFlightObserver.this.meters;
				FunctionCounter.builder("baton.singleflight.executions", this.executions, LongAdder::sum)
					.description("Loader runs in this JVM")
					.tag("name", name)
					.register(registry);
				FunctionCounter.builder("baton.singleflight.unreadable", this.unreadable, LongAdder::sum)
					.description("Stored results that could not be read back and were recomputed")
					.tag("name", name)
					.register(registry);
			}

			/** Registers an outcome's meters; a racing reader may register twice, which the registry deduplicates. */
			synchronized void bind(Outcome outcome) {
				int i = outcome.ordinal();
				if (this.bound[i]) {
					return;
				}
				String tag = outcome.name().toLowerCase(Locale.ROOT);
				MeterRegistry registry = MicrometerSingleFlightObserver.this.meters;
				FunctionCounter.builder("baton.singleflight.calls", this.calls[i], LongAdder::sum)
					.description("Single-flight calls, by how they got their result")
					.tags("name", this.name, "outcome", tag)
					.register(registry);
				if (outcome != Outcome.L1_HIT && outcome != Outcome.L2_HIT && outcome != Outcome.LEADER) {
					FunctionTimer
						.builder("baton.singleflight.wait", this, (flight) -> flight.waitCounts[i].sum(),
								(flight) -> flight.waitNanos[i].sum(), TimeUnit.NANOSECONDS)
						.description("Time callers waited for a result computed by someone else")
						.tags("name", this.name, "outcome", tag)
						.register(registry);
				}
				this.bound[i] = true;
			}

			private static LongAdder[] adders() {
				LongAdder[] adders = new LongAdder[OUTCOMES.length];
				for (int i = 0; i < adders.length; i++) {
					adders[i] = new LongAdder();
				}
				return adders;
			}

		}

	}

}
