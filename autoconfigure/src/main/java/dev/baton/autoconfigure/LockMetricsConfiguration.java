package dev.baton.autoconfigure;

import dev.baton.lock.DistributedLockRegistry;
import dev.baton.lock.LockObserver;
import dev.baton.lock.LockRegistryStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer meters of the distributed lock: {@code baton.lock.acquire} and
 * {@code baton.lock.held} timers (tag {@code name}, and {@code outcome} for acquire),
 * {@code baton.lock.active} gauge, {@code baton.lock.renewals} and {@code baton.lock.lost}
 * counters. Never tagged with a key.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
class LockMetricsConfiguration {

	@Bean
	@ConditionalOnMissingBean(value = LockObserver.class, ignoredType = "dev.baton.autoconfigure.LockObservations")
	LockObserver batonLockObserver(MeterRegistry meters) {
		return new MicrometerLockObserver(meters);
	}

	@Bean
	MeterBinder batonLockRegistryMeters(DistributedLockRegistry registry) {
		return (meters) -> {
			if (registry instanceof LockRegistryStatistics statistics) {
				Gauge.builder("baton.lock.active", statistics, LockRegistryStatistics::activeHolds)
					.description("Locks this instance holds now")
					.register(meters);
				FunctionCounter.builder("baton.lock.renewals", statistics, LockRegistryStatistics::renewals)
					.description("Lease renewals by the watchdog")
					.register(meters);
				FunctionCounter.builder("baton.lock.lost", statistics, LockRegistryStatistics::losses)
					.description("Holds whose lease ended before release")
					.register(meters);
			}
		};
	}

	/** Times every hold: a lock's hold costs a Redis round trip, next to which two clock readings are nothing. */
	static final class MicrometerLockObserver extends WaitMeters implements LockObserver {

		MicrometerLockObserver(MeterRegistry meters) {
			super(meters, "baton.lock.acquire", "baton.lock.held", "a distributed lock", 1);
		}

	}

}
