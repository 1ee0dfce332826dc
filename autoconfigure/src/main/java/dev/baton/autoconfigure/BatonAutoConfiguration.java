package dev.baton.autoconfigure;

import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * What every Baton feature shares: {@link BatonProperties} and the Redis keyspace. Each
 * feature's own auto-configuration runs after this one.
 */
@AutoConfiguration(after = RedisAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "baton.enabled", matchIfMissing = true)
@EnableConfigurationProperties(BatonProperties.class)
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
		RedisPubSubHub batonRedisPubSubHub(RedisConnectionFactory connectionFactory) {
			return new RedisPubSubHub(connectionFactory);
		}

	}

}
