package dev.baton.autoconfigure;

import dev.baton.redis.RedisKeyspace;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

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

}
