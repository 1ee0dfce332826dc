package dev.baton.autoconfigure;

import dev.baton.annotation.KeyedMutex;
import dev.baton.aop.BatonAspectOrder;
import dev.baton.aop.DurationAttribute;
import dev.baton.aop.GuardAdvisor;
import dev.baton.aop.KeyExpressionEvaluator;
import dev.baton.aop.KeyedMutexAspect;
import dev.baton.aop.KeyedMutexValidator;
import dev.baton.mutex.KeyedMutexPool;
import dev.baton.mutex.MutexObserver;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.util.Assert;

import static dev.baton.autoconfigure.BootAutoConfigurationNames.AOP;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.METER_REGISTRY;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.METER_REGISTRY_4;

/**
 * The keyed mutex: a {@link KeyedMutexPool} bean, the {@code @KeyedMutex} aspect, start-up
 * validation of annotated methods and, with Micrometer, its meters. The aspect is applied by
 * Spring Boot's AOP auto-configuration ({@code spring.aop.auto}, on by default).
 */
@AutoConfiguration(after = BatonAutoConfiguration.class, afterName = { AOP, METER_REGISTRY, METER_REGISTRY_4 })
@ConditionalOnBooleanProperty(name = "baton.enabled", matchIfMissing = true)
@EnableConfigurationProperties(MutexProperties.class)
@Import({ BatonAopConfiguration.class, KeyedMutexMetricsConfiguration.class })
public class KeyedMutexAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	KeyedMutexPool keyedMutexPool(MutexProperties properties, ObjectProvider<MutexObserver> observer) {
		return new KeyedMutexPool(properties.isFair(), observer.getIfUnique(() -> MutexObserver.NONE));
	}

	@Bean
	@ConditionalOnMissingBean
	KeyedMutexAspect keyedMutexAspect(KeyedMutexPool pool, KeyExpressionEvaluator keys, DurationAttribute durations,
			MutexProperties properties, ObjectProvider<MutexObserver> observer) {
		Assert.state(properties.getWaitTime() != null && !properties.getWaitTime().isNegative(),
				"baton.mutex.wait-time must not be negative");
		return new KeyedMutexAspect(pool, keys, durations, properties.getWaitTime(), properties.getOnTimeout(),
				observer.getIfUnique(() -> MutexObserver.NONE));
	}

	/** Applies the aspect wherever the annotation is found; the aspect is created on the first call. */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(name = "keyedMutexAdvisor")
	static GuardAdvisor keyedMutexAdvisor(ObjectProvider<KeyedMutexAspect> aspect) {
		return new GuardAdvisor(KeyedMutex.class, BatonAspectOrder.KEYED_MUTEX, aspect::getObject);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static KeyedMutexValidator keyedMutexValidator(KeyExpressionEvaluator keys, DurationAttribute durations,
			Environment environment) {
		return new KeyedMutexValidator(keys, durations, BatonAopConfiguration.onTimeout(environment, "baton.mutex.on-timeout"));
	}

}
