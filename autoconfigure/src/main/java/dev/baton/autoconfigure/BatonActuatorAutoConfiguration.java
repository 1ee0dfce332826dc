package dev.baton.autoconfigure;

import java.time.Duration;

import dev.baton.ai.AiGatewayClient;
import dev.baton.lock.DistributedLockRegistry;
import dev.baton.lock.LockObserver;
import dev.baton.lock.RedisLockRegistry;
import dev.baton.lock.RedlockRegistry;
import dev.baton.mutex.KeyedMutexPool;
import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import dev.baton.singleflight.SingleFlightObserver;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.lang.Nullable;

/**
 * Baton in Spring Boot Actuator: the {@code baton} health indicator (its components are the
 * features the application uses: the pub/sub subscription, the Redlock masters, the AI
 * upstream's last outcome) and the {@code baton} endpoint. Runs after every feature's
 * auto-configuration.
 */
@AutoConfiguration(after = { BatonAutoConfiguration.class, KeyedMutexAutoConfiguration.class,
		DistributedLockAutoConfiguration.class, SingleFlightAutoConfiguration.class, AiGatewayAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "baton.enabled", matchIfMissing = true)
@Import({ BatonActuatorAutoConfiguration.HealthConfiguration.class, BatonActuatorAutoConfiguration.AiBudgetsConfiguration.class,
		BatonActuatorAutoConfiguration.EndpointConfiguration.class })
public class BatonActuatorAutoConfiguration {

	/** How long the pub/sub probe may take to come back before the subscription counts as gone. */
	static final Duration PUB_SUB_PROBE_TIMEOUT = Duration.ofSeconds(1);

	/**
	 * The {@code baton} endpoint and what it shows: this JVM's lock waits and holds and its
	 * flights, tracked only while the endpoint is available (exposed); the AI client's budgets
	 * and the locks in Redis (or on the Redlock masters), read when asked.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@EnableConfigurationProperties(ActuatorProperties.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnAvailableEndpoint(BatonEndpoint.class)
		Activity batonActivity() {
			return new Activity();
		}

		@Bean
		@ConditionalOnBean(Activity.class)
		LockObserver batonLockActivity(Activity activity) {
			return activity.locks;
		}

		@Bean
		@ConditionalOnBean(Activity.class)
		SingleFlightObserver batonFlightActivity(Activity activity) {
			return activity.flights;
		}

		@Bean
		@ConditionalOnBean(Activity.class)
		@ConditionalOnMissingBean
		BatonEndpoint batonEndpoint(Activity activity, ActuatorProperties properties,
				ObjectProvider<KeyedMutexPool> mutexes, ObjectProvider<DistributedLockRegistry> locks,
				ObjectProvider<RedisConnectionFactory> connectionFactory, ObjectProvider<RedlockMasters> redlockMasters,
				ObjectProvider<AiBudgetsView> aiBudgets, RedisKeyspace keyspace) {
			ClusterLocks clusterLocks = clusterLocks(locks.getIfAvailable(), connectionFactory.getIfAvailable(),
					redlockMasters.getIfAvailable(), keyspace);
			return new BatonEndpoint(activity, properties.isShowKeys(), mutexes.getIfAvailable(), clusterLocks,
					aiBudgets.getIfAvailable());
		}

		/** The store the registry keeps its locks in, read as it is; {@code null} for a store the endpoint cannot read. */
		@Nullable
		private static ClusterLocks clusterLocks(@Nullable DistributedLockRegistry registry,
				@Nullable RedisConnectionFactory redis, @Nullable RedlockMasters masters, RedisKeyspace keyspace) {
			if (registry instanceof RedisLockRegistry && redis != null) {
				return new RedisLocks(redis, keyspace);
			}
			if (registry instanceof RedlockRegistry && masters != null) {
				return new RedlockLocks(masters, keyspace);
			}
			return null;
		}

	}

	/**
	 * The AI client's budgets in the endpoint: only with the client's libraries (they are
	 * optional) and the client.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(value = Endpoint.class, name = { "org.springframework.web.reactive.function.client.WebClient",
			"io.github.resilience4j.bulkhead.Bulkhead", "io.github.resilience4j.ratelimiter.RateLimiter" })
	static class AiBudgetsConfiguration {

		@Bean
		@ConditionalOnAvailableEndpoint(BatonEndpoint.class)
		@ConditionalOnBean(AiGatewayClient.class)
		@ConditionalOnMissingBean
		AiBudgetsView batonAiBudgets(AiGatewayClient client) {
			return new AiBudgetsView(client);
		}

	}

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
