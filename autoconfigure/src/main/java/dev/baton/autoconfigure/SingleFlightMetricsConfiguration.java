package dev.baton.autoconfigure;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.baton.singleflight.SingleFlightObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

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
	@ConditionalOnMissingBean
	SingleFlightObserver batonSingleFlightObserver(MeterRegistry meters) {
		return new MicrometerSingleFlightObserver(meters);
	}

	static final class MicrometerSingleFlightObserver implements SingleFlightObserver {

		private final MeterRegistry meters;

		MicrometerSingleFlightObserver(MeterRegistry meters) {
			this.meters = meters;
		}

		@Override
		public void called(String name, Outcome outcome, long waitedNanos) {
			String tag = outcome.name().toLowerCase(Locale.ROOT);
			Counter.builder("baton.singleflight.calls")
				.description("Single-flight calls, by how they got their result")
				.tag("name", name)
				.tag("outcome", tag)
				.register(this.meters)
				.increment();
			if (waitedNanos >= 0) {
				Timer.builder("baton.singleflight.wait")
					.description("Time callers waited for a result computed by someone else")
					.tag("name", name)
					.tag("outcome", tag)
					.register(this.meters)
					.record(waitedNanos, TimeUnit.NANOSECONDS);
			}
		}

		@Override
		public void executed(String name) {
			Counter.builder("baton.singleflight.executions")
				.description("Loader runs in this JVM")
				.tag("name", name)
				.register(this.meters)
				.increment();
		}

		@Override
		public void unreadable(String name) {
			Counter.builder("baton.singleflight.unreadable")
				.description("Stored results that could not be read back and were recomputed")
				.tag("name", name)
				.register(this.meters)
				.increment();
		}

	}

}
