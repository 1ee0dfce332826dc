package dev.baton.autoconfigure;

import java.time.Duration;

import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Baton in Spring Boot Actuator: the {@code baton} health indicator (its components are the
 * features the application uses: the pub/sub subscription, the Redlock masters, the AI
 * upstream's last outcome). Runs after every feature's auto-configuration.
 */
@AutoConfiguration(after = { BatonAutoConfiguration.class, KeyedMutexAutoConfiguration.class,
		DistributedLockAutoConfiguration.class, SingleFlightAutoConfiguration.class, AiGatewayAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "baton.enabled", matchIfMissing = true)
@Import(BatonActuatorAutoConfiguration.HealthConfiguration.class)
public class BatonActuatorAutoConfiguration {

	/** How long the pub/sub probe may take to come back before the subscription counts as gone. */
	static final Duration PUB_SUB_PROBE_TIMEOUT = Duration.ofSeconds(1);

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = BatonHealthIndicator.HEALTH_API)
	@ConditionalOnBooleanProperty(name = "management.health.baton.enabled", matchIfMissing = true)
	static class HealthConfiguration {

		@Bean
		@ConditionalOnBean({ RedisPubSubHub.class, RedisConnectionFactory.class })
		@ConditionalOnMissingBean
		PubSubHealth batonPubSubHealth(RedisPubSubHub hub, RedisConnectionFactory connectionFactory,
				RedisKeyspace keyspace) {
			return new PubSubHealth(hub, connectionFactory, keyspace, PUB_SUB_PROBE_TIMEOUT);
		}

		@Bean
		@ConditionalOnBean(RedlockMasters.class)
		@ConditionalOnMissingBean
		RedlockHealth batonRedlockHealth(RedlockMasters masters) {
			return new RedlockHealth(masters);
		}

		@Bean
		@ConditionalOnMissingBean(name = "batonHealthIndicator")
		BatonHealthIndicator batonHealthIndicator(ObjectProvider<BatonHealth.Component> components) {
			return new BatonHealthIndicator(new BatonHealth(components.orderedStream().toList()));
		}

	}

}
