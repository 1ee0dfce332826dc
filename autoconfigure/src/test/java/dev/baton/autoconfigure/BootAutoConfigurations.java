package dev.baton.autoconfigure;

import java.util.Arrays;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.util.ClassUtils;

/**
 * Spring Boot's own auto-configurations for tests that run on both Boot lines: each is named as
 * on Boot 3.5 and as on Boot 4, and the one on the class path is used. A class literal would
 * compile on one line only.
 */
public final class BootAutoConfigurations {

	private BootAutoConfigurations() {
	}

	/** Redis (Lettuce connection factory, templates). */
	public static AutoConfigurations redis() {
		return of(BootAutoConfigurationNames.REDIS, BootAutoConfigurationNames.REDIS_4);
	}

	/** Reactive Redis (the reactive templates, as the AI client's cluster budgets use them). */
	public static AutoConfigurations reactiveRedis() {
		return of(BootAutoConfigurationNames.REACTIVE_REDIS, BootAutoConfigurationNames.REACTIVE_REDIS_4);
	}

	/** Jackson's mapper: an {@code ObjectMapper} on Boot 3.5, a Jackson 3 {@code JsonMapper} on Boot 4. */
	public static AutoConfigurations jackson() {
		return of(BootAutoConfigurationNames.JACKSON, BootAutoConfigurationNames.JACKSON_4);
	}

	/** A simple meter registry, as Actuator gives an application. */
	public static AutoConfigurations metrics() {
		String boot3 = "org.springframework.boot.actuate.autoconfigure.metrics.";
		String boot4 = "org.springframework.boot.micrometer.metrics.autoconfigure.";
		return AutoConfigurations.of(load(boot3 + "MetricsAutoConfiguration", boot4 + "MetricsAutoConfiguration"),
				load(boot3 + "export.simple.SimpleMetricsExportAutoConfiguration",
						boot4 + "export.simple.SimpleMetricsExportAutoConfiguration"),
				load(BootAutoConfigurationNames.METER_REGISTRY, BootAutoConfigurationNames.METER_REGISTRY_4));
	}

	/** resilience4j's registries of bulkheads, rate limiters, retries and time limiters. */
	public static AutoConfigurations resilience4j() {
		return AutoConfigurations.of(Arrays.stream(new String[] { "bulkhead.autoconfigure.BulkheadAutoConfiguration",
				"ratelimiter.autoconfigure.RateLimiterAutoConfiguration", "retry.autoconfigure.RetryAutoConfiguration",
				"timelimiter.autoconfigure.TimeLimiterAutoConfiguration" })
			.map((name) -> load("io.github.resilience4j.springboot3." + name, "io.github.resilience4j.springboot." + name))
			.toArray(Class<?>[]::new));
	}

	private static AutoConfigurations of(String boot3, String boot4) {
		return AutoConfigurations.of(load(boot3, boot4));
	}

	private static Class<?> load(String... names) {
		ClassLoader classLoader = BootAutoConfigurations.class.getClassLoader();
		for (String name : names) {
			if (ClassUtils.isPresent(name, classLoader)) {
				return ClassUtils.resolveClassName(name, classLoader);
			}
		}
		throw new IllegalStateException("None of " + Arrays.toString(names) + " is on the class path");
	}

}
