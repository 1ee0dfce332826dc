package dev.baton.autoconfigure;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Micrometer Observations of each feature, when the application has an
 * {@link ObservationRegistry}: each an observer bean of its feature, next to its meters. The
 * meters' beans back off for an observer of the application's own, not for these (declared
 * with their own types, which the meters' conditions ignore).
 */
final class ObservationConfigurations {

	private ObservationConfigurations() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBean(ObservationRegistry.class)
	@ConditionalOnBooleanProperty(name = "baton.observation.locks", matchIfMissing = true)
	@EnableConfigurationProperties(ObservationProperties.class)
	static class Locks {

		@Bean
		@ConditionalOnMissingBean(name = "batonLockObservations")
		LockObservations batonLockObservations(ObservationRegistry registry, ObservationProperties properties) {
			return new LockObservations(registry, properties.isIncludeKeys());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBean(ObservationRegistry.class)
	@ConditionalOnBooleanProperty(name = "baton.observation.flights", matchIfMissing = true)
	@EnableConfigurationProperties(ObservationProperties.class)
	static class Flights {

		@Bean
		@ConditionalOnMissingBean(name = "batonSingleFlightObservations")
		SingleFlightObservations batonSingleFlightObservations(ObservationRegistry registry,
				ObservationProperties properties) {
			return new SingleFlightObservations(registry, properties.isIncludeKeys());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ObservationRegistry.class)
	@ConditionalOnBean(ObservationRegistry.class)
	@ConditionalOnBooleanProperty(name = "baton.observation.ai", matchIfMissing = true)
	static class Ai {

		@Bean
		@ConditionalOnMissingBean(name = "batonAiObservations")
		AiObservations batonAiObservations(ObservationRegistry registry) {
			return new AiObservations(registry);
		}

	}

}
