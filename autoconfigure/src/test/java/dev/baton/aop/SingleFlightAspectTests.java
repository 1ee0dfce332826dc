package dev.baton.aop;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.baton.annotation.SingleFlight;
import dev.baton.aop.FlightService.Item;
import dev.baton.autoconfigure.BatonAutoConfiguration;
import dev.baton.autoconfigure.BootAutoConfigurations;
import dev.baton.autoconfigure.SingleFlightAutoConfiguration;
import dev.baton.test.RedisTestServers;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** {@code @SingleFlight} through application contexts, each one an instance with its own Redis connections. */
class SingleFlightAspectTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(BootAutoConfigurations.redis())
		.withConfiguration(BootAutoConfigurations.jackson())
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
				SingleFlightAutoConfiguration.class))
		.withPropertyValues(RedisTestServers.shared().springProperties())
		.withPropertyValues("baton.redis.key-prefix=flight" + System.nanoTime())
		.withUserConfiguration(Services.class);

	@Test
	void aSecondInstanceGetsTheFirstOnesResultWithoutRunningTheMethod() {
		this.runner.run((first) -> this.runner.run((second) -> {
			FlightService one = first.getBean(FlightService.class);
			FlightService two = second.getBean(FlightService.class);
			assertThat(one.product("42")).isEqualTo(new Item("42", "Lamp", 30));
			assertThat(two.product("42")).isEqualTo(new Item("42", "Lamp", 30));
			assertThat(one.product("42")).isEqualTo(new Item("42", "Lamp", 30));
			assertThat(one.runs() + two.runs()).isEqualTo(1);
		}));
	}

	@Test
	void genericPlainMonoAndCompletionStageResultsRoundTripBetweenInstances() {
		this.runner.run((first) -> this.runner.run((second) -> {
			FlightService one = first.getBean(FlightService.class);
			FlightService two = second.getBean(FlightService.class);
			assertThat(two.items("7")).isEqualTo(one.items("7")).hasOnlyElementsOfType(Item.class).hasSize(2);
			assertThat(one.reactive("7").block()).isEqualTo(new Item("7", "Mono", 7));
			assertThat(two.reactive("7").block()).isEqualTo(new Item("7", "Mono", 7));
			assertThat(one.later("7").toCompletableFuture().get(5, TimeUnit.SECONDS))
				.contains(new Item("7", "Later", 1));
			assertThat(two.later("7").toCompletableFuture().get(5, TimeUnit.SECONDS))
				.contains(new Item("7", "Later", 1));
			assertThat(one.later("").toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(Optional.empty());
			assertThat(two.later("").toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(Optional.empty());
			assertThat(one.runs() + two.runs()).isEqualTo(4);
		}));
	}

	@Test
	void theMethodsCheckedExceptionReachesTheCallerAsDeclaredAndIsNotCached() {
		this.runner.run((context) -> {
			FlightService service = context.getBean(FlightService.class);
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> service.failing("x"))
				.withMessage("disk full for x");
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> service.failing("x"));
			assertThat(service.runs()).isEqualTo(2);
		});
	}

	@Test
	void metersCountCallsByOutcomeAndExecutionsByName() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			FlightService service = context.getBean(FlightService.class);
			service.product("m");
			service.product("m");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			String name = "FlightService.product";
			assertThat(meters.get("baton.singleflight.calls").tag("name", name).tag("outcome", "leader").functionCounter().count())
				.isEqualTo(1);
			assertThat(meters.get("baton.singleflight.calls").tag("name", name).tag("outcome", "l1_hit").functionCounter().count())
				.isEqualTo(1);
			assertThat(meters.get("baton.singleflight.executions").tag("name", name).functionCounter().count()).isEqualTo(1);
			assertThat(meters.find("baton.singleflight.calls").tagKeys("key").meters()).isEmpty();
		});
	}

	@Test
	void refusesAFluxMethodAtStartUpSayingWhy() {
		this.runner.withUserConfiguration(FluxConfiguration.class).run((context) -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.hasMessageContaining("FluxConfiguration.Streaming.stream(String) returns Flux, which it cannot share")
			.hasMessageContaining("Mono<List<T>>"));
	}

	@Test
	void refusesABadKeyExpressionAtStartUp() {
		this.runner.withUserConfiguration(BadKeyConfiguration.class).run((context) -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.hasMessageContaining("#id is not a parameter"));
	}

	@Test
	void refusesAZeroWaitTimeoutAtStartUp() {
		this.runner.withPropertyValues("test.flight.wait=0s").run((context) -> assertThat(context).hasFailed()
			.getFailure()
			.rootCause()
			.hasMessageContaining("Invalid waitTimeout '${test.flight.wait:2s}'")
			.hasMessageContaining("FlightService.failing(String)"));
	}

	@Configuration(proxyBeanMethods = false)
	static class Services {

		@Bean
		FlightService flightService() {
			return new FlightService();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FluxConfiguration {

		@Bean
		Streaming streaming() {
			return new Streaming();
		}

		static class Streaming {

			@SingleFlight(key = "#sku")
			public Flux<String> stream(String sku) {
				return Flux.just(sku);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadKeyConfiguration {

		@Bean
		BadKey badKey() {
			return new BadKey();
		}

		static class BadKey {

			@SingleFlight(key = "#id")
			public String find(String sku) {
				return sku;
			}

		}

	}

}
