package dev.baton.autoconfigure;

/**
 * Spring Boot's auto-configurations that Baton's run after, by name on both lines: a class
 * literal of one line does not load on the other (Boot 4 moved them into modules), and an
 * {@code afterName} that names a missing class is simply ignored.
 */
final class BootAutoConfigurationNames {

	static final String REDIS = "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration";

	static final String REDIS_4 = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration";

	static final String REACTIVE_REDIS = "org.springframework.boot.autoconfigure.data.redis.RedisReactiveAutoConfiguration";

	static final String REACTIVE_REDIS_4 = "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration";

	/** The same name on both lines. */
	static final String AOP = "org.springframework.boot.autoconfigure.aop.AopAutoConfiguration";

	static final String JACKSON = "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration";

	static final String JACKSON_4 = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration";

	static final String WEB_CLIENT = "org.springframework.boot.autoconfigure.web.reactive.function.client.WebClientAutoConfiguration";

	static final String WEB_CLIENT_4 = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration";

	static final String METER_REGISTRY = "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration";

	static final String METER_REGISTRY_4 = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration";

	static final String OBSERVATION = "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration";

	static final String OBSERVATION_4 = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration";

	private BootAutoConfigurationNames() {
	}

}
