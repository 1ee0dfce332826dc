package dev.baton.autoconfigure;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.baton.aop.SingleFlightAspect;
import dev.baton.singleflight.FlightOptions;
import dev.baton.singleflight.OnStoreFailure;
import dev.baton.singleflight.SingleFlight;
import dev.baton.singleflight.SingleFlightException;
import dev.baton.singleflight.SingleFlightTimeoutException;
import dev.baton.test.RedisTestServer;
import dev.baton.test.RedisTestServers;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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
			Object stored = context.getBean(StringRedisTemplate.class).opsForHash().get(prefix + ":singleflight:default:{p}", "value");
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
					"baton.singleflight.local-max-size=5", "baton.singleflight.store-timeout=700ms",
					"baton.singleflight.max-flight-time=2m", "baton.singleflight.on-store-failure=run-locally",
					"baton.singleflight.store-retry-interval=3s")
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
				assertThat(properties.getMaxFlightTime()).isEqualTo(Duration.ofMinutes(2));
				assertThat(properties.getOnStoreFailure()).isEqualTo(OnStoreFailure.RUN_LOCALLY);
				assertThat(properties.getStoreRetryInterval()).isEqualTo(Duration.ofSeconds(3));
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

	@Test
	void annotatedMethodsKeepTheirOwnResultsForOneKeyUnlessTheyShareAName() {
		this.withRedis.withBean(Catalog.class).run((context) -> {
			Catalog catalog = context.getBean(Catalog.class);
			assertThat(catalog.price("sku-1")).isEqualTo(new Price(250));
			assertThat(catalog.label("sku-1")).isEqualTo("label of sku-1");
			assertThat(catalog.price("sku-1")).isEqualTo(new Price(250));
			assertThat(catalog.sharedLabel("sku-1")).isEqualTo("label of sku-1");
			assertThat(catalog.loads()).isEqualTo(2);
		});
	}

	@Test
	void withRedisStoppedRunLocallyMethodsRunAndAreMeteredDegraded() {
		RedisTestServer server = RedisTestServers.start();
		try {
			this.runner.withConfiguration(BootAutoConfigurations.redis())
				.withConfiguration(BootAutoConfigurations.jackson())
				.withConfiguration(BootAutoConfigurations.metrics())
				.withPropertyValues(server.springProperties())
				.withPropertyValues("baton.singleflight.store-timeout=300ms", "baton.singleflight.local-max-size=0")
				.withBean(Catalog.class)
				.run((context) -> {
					Catalog catalog = context.getBean(Catalog.class);
					assertThat(catalog.stock("sku-1")).isEqualTo(1);
					server.stop();
					assertThat(catalog.stock("sku-2")).isEqualTo(2);
					assertThat(catalog.stock("sku-3")).isEqualTo(3);
					MeterRegistry meters = context.getBean(MeterRegistry.class);
					assertThat(meters.get("baton.singleflight.calls").tag("outcome", "degraded").functionCounter().count())
						.isEqualTo(2);
					assertThatExceptionOfType(SingleFlightException.class).isThrownBy(() -> catalog.label("sku-4"))
						.satisfies((ex) -> assertThat(ex.isStoreFailure()).isTrue());
				});
		}
		finally {
			server.close();
		}
	}

	@Test
	void aMethodRunningPastItsMaxFlightTimeFailsItsCallersNamingTheKey() {
		this.withRedis.withBean(Catalog.class).run((context) -> {
			long start = System.nanoTime();
			assertThatExceptionOfType(SingleFlightTimeoutException.class)
				.isThrownBy(() -> context.getBean(Catalog.class).hung("sku-9").block(Duration.ofSeconds(10)))
				.withMessageContaining("'sku-9'")
				.withMessageContaining("maxFlightTime");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		});
	}

	@Test
	void aZeroMaxFlightTimeFailsAtStartUpNamingTheMethod() {
		this.runner.withBean(ZeroMaxFlightTime.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("maxFlightTime")
				.hasMessageContaining("load"));
	}

	record Price(int amountCents) {
	}

	static class ZeroMaxFlightTime {

		@dev.baton.annotation.SingleFlight(key = "#sku", maxFlightTime = "0s")
		public String load(String sku) {
			return sku;
		}

	}

	static class Catalog {

		private final AtomicInteger loads = new AtomicInteger();

		public int loads() {
			return this.loads.get();
		}

		@dev.baton.annotation.SingleFlight(key = "#sku")
		public Price price(String sku) {
			this.loads.incrementAndGet();
			return new Price(250);
		}

		@dev.baton.annotation.SingleFlight(key = "#sku", name = "labels")
		public String label(String sku) {
			this.loads.incrementAndGet();
			return "label of " + sku;
		}

		@dev.baton.annotation.SingleFlight(key = "#sku", name = "labels")
		public String sharedLabel(String sku) {
			this.loads.incrementAndGet();
			return "not run";
		}

		@dev.baton.annotation.SingleFlight(key = "#sku", maxFlightTime = "300ms")
		public Mono<String> hung(String sku) {
			return Mono.never();
		}

		@dev.baton.annotation.SingleFlight(key = "#sku", onStoreFailure = OnStoreFailure.RUN_LOCALLY)
		public int stock(String sku) {
			return this.loads.incrementAndGet();
		}

	}

}
