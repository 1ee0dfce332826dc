package dev.baton.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import dev.baton.mutex.KeyedMutexPool;
import dev.baton.mutex.MutexObserver;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The keyed mutex's meters, when Micrometer is there: {@code baton.mutex.*}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
class KeyedMutexMetricsConfiguration {

	@Bean
	@ConditionalOnMissingBean(MutexObserver.class)
	MutexMeters keyedMutexMeters(MeterRegistry registry) {
		return new MutexMeters(registry);
	}

	@Bean
	MeterBinder keyedMutexKeysGauge(KeyedMutexPool pool) {
		return (registry) -> MutexMeters.bindKeysGauge(pool, registry);
	}

}
