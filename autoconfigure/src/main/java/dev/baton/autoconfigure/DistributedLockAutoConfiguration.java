package dev.baton.autoconfigure;

import dev.baton.aop.BatonAspectOrder;
import dev.baton.aop.DistributedLockAspect;
import dev.baton.aop.DistributedLockMethodValidator;
import dev.baton.aop.DurationAttribute;
import dev.baton.aop.GuardAdvisor;
import dev.baton.aop.KeyExpressionEvaluator;
import dev.baton.lock.DistributedLockRegistry;
import dev.baton.lock.LockObserver;
import dev.baton.lock.LockOptions;

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

import static dev.baton.autoconfigure.BootAutoConfigurationNames.AOP;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.METER_REGISTRY;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.METER_REGISTRY_4;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.OBSERVATION;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.OBSERVATION_4;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.REDIS;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.REDIS_4;

/**
 * The distributed lock: a {@link DistributedLockRegistry} (Redlock when
 * {@code baton.lock.redlock.nodes} is set, else the application's Redis, else this JVM only, with
 * a warning) and the {@code @DistributedLock} aspect.
 */
@AutoConfiguration(after = BatonAutoConfiguration.class,
		afterName = { REDIS, REDIS_4, AOP, METER_REGISTRY, METER_REGISTRY_4, OBSERVATION, OBSERVATION_4 })
@ConditionalOnBooleanProperty(name = "baton.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LockProperties.class)
@Import({ BatonAopConfiguration.class, LockRegistryConfigurations.Redlock.class, LockRegistryConfigurations.Redis.class,
		LockRegistryConfigurations.Local.class, LockMetricsConfiguration.class, ObservationConfigurations.Locks.class })
public class DistributedLockAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DistributedLockAspect distributedLockAspect(DistributedLockRegistry registry, KeyExpressionEvaluator expressions,
			DurationAttribute durations, LockProperties properties, ObjectProvider<LockObserver> observer) {
		return new DistributedLockAspect(registry, expressions, durations, properties.getWaitTime(),
				properties.getOnTimeout(), CompositeObservers.locks(observer.orderedStream().toList()));
	}

	/** Applies the aspect wherever the annotation is found; the aspect is created on the first call. */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(name = "distributedLockAdvisor")
	static GuardAdvisor distributedLockAdvisor(ObjectProvider<DistributedLockAspect> aspect) {
		return new GuardAdvisor(dev.baton.annotation.DistributedLock.class, BatonAspectOrder.DISTRIBUTED_LOCK,
				aspect::getObject);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static DistributedLockMethodValidator distributedLockMethodValidator(ObjectProvider<KeyExpressionEvaluator> expressions,
			ObjectProvider<DurationAttribute> durations, Environment environment) {
		return new DistributedLockMethodValidator(expressions.getObject(), durations.getObject(),
				BatonAopConfiguration.onTimeout(environment, "baton.lock.on-timeout"));
	}

	static LockOptions options(LockProperties properties) {
		return new LockOptions(properties.getLeaseTime(), properties.getHandoffBudget(),
				properties.getOnLost() == LockProperties.OnLost.THROW, properties.getStoreTimeout());
	}

}
