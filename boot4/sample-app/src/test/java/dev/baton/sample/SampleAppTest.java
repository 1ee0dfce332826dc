package dev.baton.sample;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * One instance of the app on a random port and the shared test Redis, with metrics exported as
 * in production (Spring Boot turns exporters off in tests otherwise). Every class with it shares
 * one application context. The Boot 4 twin of sample-app's: Boot 4 renamed
 * {@code @AutoConfigureObservability} to {@code @AutoConfigureMetrics}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "sample.local-redis=false")
@ContextConfiguration(initializers = SharedRedis.class)
@AutoConfigureMetrics
public @interface SampleAppTest {

}
