package dev.baton.autoconfigure;

import dev.baton.lock.DistributedLockRegistry;
import dev.baton.lock.LocalLockRegistry;
import dev.baton.lock.RedisLockRegistry;
import dev.baton.lock.RedlockRegistry;
import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The lock registry choices, imported in order of preference: Redlock when nodes are set, the
 * application's Redis, then this JVM only. The first that applies defines the registry.
 */
abstract class LockRegistryConfigurations {

	private static final Logger logger = LoggerFactory.getLogger(DistributedLockAutoConfiguration.class);

	@Configuration(proxyBeanMethods = false)
	@Conditional(OnRedlockNodesCondition.class)
	static class Redlock {

		@Bean
		@ConditionalOnMissingBean
		RedlockMasters batonRedlockMasters(LockProperties properties) {
			return new RedlockMasters(properties.getRedlock().getNodes(), properties.getStoreTimeout());
		}

		@Bean
		@ConditionalOnMissingBean(DistributedLockRegistry.class)
		RedlockRegistry redlockRegistry(RedlockMasters masters, RedisKeyspace keyspace, LockProperties properties) {
			return new RedlockRegistry(masters.factories(), keyspace, DistributedLockAutoConfiguration.options(properties),
					properties.getRedlock().getMasterTimeout());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(RedisConnectionFactory.class)
	static class Redis {

		@Bean
		@ConditionalOnMissingBean(DistributedLockRegistry.class)
		RedisLockRegistry redisLockRegistry(RedisConnectionFactory connectionFactory, RedisKeyspace keyspace,
				RedisPubSubHub hub, LockProperties properties) {
			return new RedisLockRegistry(connectionFactory, keyspace, hub, DistributedLockAutoConfiguration.options(properties));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Local {

		@Bean
		@ConditionalOnMissingBean(DistributedLockRegistry.class)
		LocalLockRegistry localLockRegistry(LockProperties properties) {
			logger.warn("No RedisConnectionFactory: @DistributedLock uses in-JVM locks that do NOT exclude other "
					+ "instances of this application. Configure spring.data.redis.* to lock across instances.");
			return new LocalLockRegistry(DistributedLockAutoConfiguration.options(properties));
		}

	}

}
