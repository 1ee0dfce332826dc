package dev.baton.autoconfigure;

import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static dev.baton.autoconfigure.BootAutoConfigurationNames.JACKSON;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.JACKSON_4;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.REDIS;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.REDIS_4;

/**
 * What every Baton feature shares: {@link BatonProperties}, the Redis keyspace, the pub/sub
 * connection and the JSON codec ({@link BatonJsonConfiguration}). Each feature's own
 * auto-configuration runs after this one.
 */
@AutoConfiguration(afterName = { REDIS, REDIS_4, JACKSON, JACKSON_4 })
@ConditionalOnBooleanProperty(name = "baton.enabled", matchIfMissing = true)
@EnableConfigurationProperties(BatonProperties.class)
@Import(BatonJsonConfiguration.class)
public class BatonAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RedisKeyspace batonRedisKeyspace(BatonProperties properties) {
		return new RedisKeyspace(properties.getRedis().getKeyPrefix());
	}

	/** The JVM's one pub/sub connection, shared by every feature that waits for notifications. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(RedisConnectionFactory.class)
	static class PubSubConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisPubSubHub batonRedisPubSubHub(RedisConnectionFactory connectionFactory, BatonProperties properties) {
			return new RedisPubSubHub(connectionFactory, properties.getRedis().isShardedPubSub());
		}

	}

}
