package dev.baton.autoconfigure;

import dev.baton.aop.BatonAspectOrder;
import dev.baton.aop.DurationAttribute;
import dev.baton.aop.GuardAdvisor;
import dev.baton.aop.KeyExpressionEvaluator;
import dev.baton.aop.SingleFlightAspect;
import dev.baton.aop.SingleFlightMethodValidator;
import dev.baton.json.JsonCodec;
import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import dev.baton.singleflight.SingleFlight;
import dev.baton.singleflight.SingleFlightBuilder;
import dev.baton.singleflight.SingleFlightObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.util.ClassUtils;

import static dev.baton.autoconfigure.BootAutoConfigurationNames.AOP;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.JACKSON;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.JACKSON_4;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.METER_REGISTRY;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.METER_REGISTRY_4;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.OBSERVATION;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.OBSERVATION_4;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.REDIS;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.REDIS_4;

/**
 * Single-flight: a {@link SingleFlight} (across instances through the application's Redis, else
 * in this JVM only, with a warning) and the {@code @SingleFlight} aspect. Results are JSON
 * through the application's Jackson mapper ({@link JsonCodec}, Jackson 3 or 2: the same JSON). Without Caffeine on the
 * classpath there is no local cache (L1): every call that is not coalesced goes to Redis.
 */
@AutoConfiguration(after = BatonAutoConfiguration.class,
		afterName = { REDIS, REDIS_4, AOP, JACKSON, JACKSON_4, METER_REGISTRY, METER_REGISTRY_4, OBSERVATION,
				OBSERVATION_4 })
@ConditionalOnBooleanProperty(name = "baton.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SingleFlightProperties.class)
@Import({ BatonAopConfiguration.class, SingleFlightMetricsConfiguration.class, ObservationConfigurations.Flights.class })
public class SingleFlightAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(SingleFlightAutoConfiguration.class);

	private static final String CAFFEINE = "com.github.benmanes.caffeine.cache.Caffeine";

	@Bean
	@ConditionalOnMissingBean
	SingleFlightAspect singleFlightAspect(SingleFlight flights, KeyExpressionEvaluator expressions,
			DurationAttribute durations) {
		return new SingleFlightAspect(flights, expressions, durations);
	}

	/** Applies the aspect wherever the annotation is found; the aspect is created on the first call. */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(name = "singleFlightAdvisor")
	static GuardAdvisor singleFlightAdvisor(ObjectProvider<SingleFlightAspect> aspect) {
		return new GuardAdvisor(dev.baton.annotation.SingleFlight.class, BatonAspectOrder.SINGLE_FLIGHT,
				aspect::getObject);
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static SingleFlightMethodValidator singleFlightMethodValidator(ObjectProvider<KeyExpressionEvaluator> expressions,
			ObjectProvider<DurationAttribute> durations) {
		return new SingleFlightMethodValidator(expressions.getObject(), durations.getObject());
	}

	/** Across instances through the application's Redis when there is one, else in this JVM only, said once. */
	@Bean
	@ConditionalOnMissingBean
	SingleFlight singleFlight(SingleFlightProperties properties, RedisKeyspace keyspace,
			JsonCodec json, ObjectProvider<SingleFlightObserver> observer,
			ObjectProvider<RedisConnectionFactory> connectionFactory, ObjectProvider<RedisPubSubHub> hub,
			ApplicationContext context) {
		SingleFlightBuilder builder = builder(properties, keyspace, context.getClassLoader());
		builder.json(json);
		builder.observer(CompositeObservers.flights(observer.orderedStream().toList()));
		RedisConnectionFactory redis = connectionFactory.getIfAvailable();
		if (redis == null) {
			logger.warn("No RedisConnectionFactory: @SingleFlight shares results within this JVM only; every "
					+ "instance runs its own flights. Configure spring.data.redis.* to share them across instances.");
			return builder.build();
		}
		return builder.redis(redis).pubSubHub(hub.getIfAvailable()).build();
	}

	private static SingleFlightBuilder builder(SingleFlightProperties properties, RedisKeyspace keyspace,
			ClassLoader classLoader) {
		long localMaxSize = properties.getLocalMaxSize();
		if (localMaxSize > 0 && !ClassUtils.isPresent(CAFFEINE, classLoader)) {
			logger.info("Caffeine is not on the classpath: @SingleFlight keeps no local cache (L1). "
					+ "Add com.github.ben-manes.caffeine:caffeine to have one.");
			localMaxSize = 0;
		}
		return SingleFlight.builder()
			.keyspace(keyspace)
			.ttl(properties.getTtl())
			.localTtl(properties.getLocalTtl())
			.waitTimeout(properties.getWaitTimeout())
			.errorTtl(properties.getErrorTtl())
			.cacheNulls(properties.isCacheNulls())
			.leaseTime(properties.getLeaseTime())
			.followersRetryOnError(properties.isFollowersRetryOnError())
			.storeTimeout(properties.getStoreTimeout())
			.maxFlightTime(properties.getMaxFlightTime())
			.onStoreFailure(properties.getOnStoreFailure())
			.storeRetryInterval(properties.getStoreRetryInterval())
			.localMaxSize(localMaxSize);
	}

}
