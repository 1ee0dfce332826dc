package dev.baton.autoconfigure;

import dev.baton.aop.DistributedLockAspect;
import dev.baton.aop.DistributedLockMethodValidator;
import dev.baton.aop.DurationAttribute;
import dev.baton.aop.KeyExpressionEvaluator;
import dev.baton.lock.DistributedLockRegistry;
import dev.baton.lock.LocalLockRegistry;
import dev.baton.lock.LockObserver;
import dev.baton.lock.LockOptions;
import dev.baton.lock.RedisLockRegistry;
import dev.baton.lock.RedlockRegistry;
import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The distributed lock: a {@link DistributedLockRegistry} (Redlock when
 * {@code baton.lock.redlock.nodes} is set, else the application's Redis, else this JVM only, with
 * a warning) and the {@code @DistributedLock} aspect.
 */
@AutoConfiguration(after = { BatonAutoConfiguration.class, RedisAutoConfiguration.class, AopAutoConfiguration.class },
		afterName = "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnBooleanProperty(name = "baton.enabled", matchIfMissing = true)
@EnableConfigurationProperties(LockProperties.class)
@Import({ BatonAopConfiguration.class, DistributedLockAutoConfiguration.RedlockRegistryConfiguration.class,
		DistributedLockAutoConfiguration.RedisLockRegistryConfiguration.class,
		DistributedLockAutoConfiguration.LocalLockRegistryConfiguration.class, LockMetricsConfiguration.class })
public class DistributedLockAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(DistributedLockAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	DistributedLockAspect distributedLockAspect(DistributedLockRegistry registry, KeyExpressionEvaluator expressions,
			DurationAttribute durations, LockProperties properties, ObjectProvider<LockObserver> observer) {
		return new DistributedLockAspect(registry, expressions, durations, properties.getWaitTime(),
				observer.getIfAvailable(() -> LockObserver.NONE));
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static DistributedLockMethodValidator distributedLockMethodValidator(ObjectProvider<KeyExpressionEvaluator> expressions,
			ObjectProvider<DurationAttribute> durations) {
		return new DistributedLockMethodValidator(expressions.getObject(), durations.getObject());
	}

	static LockOptions options(LockProperties properties) {
		return new LockOptions(properties.getLeaseTime(), properties.getHandoffBudget(),
				properties.getOnLost() == LockProperties.OnLost.THROW, properties.getStoreTimeout());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty("baton.lock.redlock.nodes[0]")
	static class RedlockRegistryConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedlockMasters batonRedlockMasters(LockProperties properties) {
			return new RedlockMasters(properties.getRedlock().getNodes(), properties.getStoreTimeout());
		}

		@Bean
		@ConditionalOnMissingBean(DistributedLockRegistry.class)
		RedlockRegistry redlockRegistry(RedlockMasters masters, RedisKeyspace keyspace, LockProperties properties) {
			return new RedlockRegistry(masters.factories(), keyspace, options(properties),
					properties.getRedlock().getMasterTimeout());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(RedisConnectionFactory.class)
	static class RedisLockRegistryConfiguration {

		@Bean
		@ConditionalOnMissingBean(DistributedLockRegistry.class)
		RedisLockRegistry redisLockRegistry(RedisConnectionFactory connectionFactory, RedisKeyspace keyspace,
				RedisPubSubHub hub, LockProperties properties) {
			return new RedisLockRegistry(connectionFactory, keyspace, hub, options(properties));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LocalLockRegistryConfiguration {

		@Bean
		@ConditionalOnMissingBean(DistributedLockRegistry.class)
		LocalLockRegistry localLockRegistry(LockProperties properties) {
			logger.warn("No RedisConnectionFactory: @DistributedLock uses in-JVM locks that do NOT exclude other "
					+ "instances of this application. Configure spring.data.redis.* to lock across instances.");
			return new LocalLockRegistry(options(properties));
		}

	}

}
