package dev.baton.sample;

import dev.baton.test.RedisTestServers;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/** Points a test's application context at the test JVM's shared Redis. */
public final class SharedRedis implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		TestPropertyValues.of(RedisTestServers.shared().springProperties()).applyTo(context);
	}

}
