package dev.baton.autoconfigure;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.baton.aop.SingleFlightAspect;
import dev.baton.singleflight.FlightOptions;
import dev.baton.singleflight.SingleFlight;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class SingleFlightAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(AopAutoConfiguration.class, BatonAutoConfiguration.class, SingleFlightAutoConfiguration.class));

	private final ApplicationContextRunner withRedis = this.runner
		.withConfiguration(BootAutoConfigurations.redis())
		.withConfiguration(BootAutoConfigurations.jackson())
		.withPropertyValues(RedisTestServers.shared().springProperties())
		.withPropertyValues("baton.redis.key-prefix=sfauto" + System.nanoTime());

	@Test
	void withRedisSharesFlightsThroughItUsingTheApplicationsObjectMapper() {
		this.withRedis.withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE").run((context) -> {
			assertThat(context).hasSingleBean(SingleFlight.class).hasSingleBean(SingleFlightAspect.class);
			SingleFlight flights = context.getBean(SingleFlight.class);
			flights.execute("p", FlightOptions.of(Price.class), () -> new Price(250));
			String prefix = context.getEnvironment().getProperty("baton.redis.key-prefix");
			Object stored = context.getBean(StringRedisTemplate.class).opsForHash().get(prefix + ":singleflight:{p}", "value");
			assertThat(stored).isEqualTo("{\"amount_cents\":250}");
		});
	}

	@Test
	void withoutRedisFallsBackToThisJvmAndSaysSoOnce(CapturedOutput output) {
		this.runner.run((context) -> {
			SingleFlight flights = context.getBean(SingleFlight.class);
			assertThat(flights.execute("k", FlightOptions.of(String.class), () -> "local")).isEqualTo("local");
			assertThat(flights.execute("k", FlightOptions.of(String.class), () -> "again")).isEqualTo("local");
		});
		assertThat(output.getOut().split("@SingleFlight shares results within this JVM only", -1)).hasSize(2);
	}

	@Test
	void withoutCaffeineWorksWithoutALocalCache(CapturedOutput output) {
		this.runner.withClassLoader(new FilteredClassLoader(Caffeine.class)).run((context) -> {
			SingleFlight flights = context.getBean(SingleFlight.class);
			assertThat(flights.execute("k", FlightOptions.of(String.class), () -> "first")).isEqualTo("first");
			assertThat(flights.execute("k", FlightOptions.of(String.class), () -> "second")).isEqualTo("second");
		});
		assertThat(output).contains("Caffeine is not on the classpath");
	}

	@Test
	void bindsItsProperties() {
		this.runner
			.withPropertyValues("baton.singleflight.ttl=2m", "baton.singleflight.local-ttl=0",
					"baton.singleflight.wait-timeout=3s",
					"baton.singleflight.error-ttl=1s", "baton.singleflight.cache-nulls=false",
					"baton.singleflight.lease-time=4s", "baton.singleflight.followers-retry-on-error=true",
					"baton.singleflight.local-max-size=5", "baton.singleflight.store-timeout=700ms")
			.run((context) -> {
				SingleFlightProperties properties = context.getBean(SingleFlightProperties.class);
				assertThat(properties.getTtl()).isEqualTo(Duration.ofMinutes(2));
				assertThat(properties.getLocalTtl()).isZero();
				assertThat(properties.getWaitTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(properties.getErrorTtl()).isEqualTo(Duration.ofSeconds(1));
				assertThat(properties.isCacheNulls()).isFalse();
				assertThat(properties.getLeaseTime()).isEqualTo(Duration.ofSeconds(4));
				assertThat(properties.isFollowersRetryOnError()).isTrue();
				assertThat(properties.getLocalMaxSize()).isEqualTo(5);
				assertThat(properties.getStoreTimeout()).isEqualTo(Duration.ofMillis(700));
				// local-ttl=0: nothing kept in this JVM, so the loader runs each time.
				SingleFlight flights = context.getBean(SingleFlight.class);
				assertThat(flights.execute("k", FlightOptions.of(String.class), () -> "a")).isEqualTo("a");
				assertThat(flights.execute("k", FlightOptions.of(String.class), () -> "b")).isEqualTo("b");
			});
	}

	@Test
	void rejectsABadPropertyNamingIt() {
		this.runner.withPropertyValues("baton.singleflight.lease-time=1ms").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidSettingFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'baton.singleflight.lease-time'").contains("PT0.001S");
		});
	}

	@Test
	void backsOffWhenTheUserDefinesTheirOwn() {
		SingleFlight own = SingleFlight.builder().localMaxSize(0).build();
		this.runner.withBean(SingleFlight.class, () -> own)
			.run((context) -> assertThat(context).getBean(SingleFlight.class).isSameAs(own));
	}

	@Test
	void createsNothingWhenDisabled() {
		this.runner.withPropertyValues("baton.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(SingleFlight.class)
				.doesNotHaveBean(SingleFlightAspect.class));
	}

	record Price(int amountCents) {
	}

}
