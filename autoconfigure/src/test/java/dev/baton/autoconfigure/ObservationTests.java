package dev.baton.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import dev.baton.ai.AiGatewayClient;
import dev.baton.ai.ChatRequest;
import dev.baton.ai.FakeOpenAiServer;
import dev.baton.lock.DistributedLock;
import dev.baton.lock.DistributedLockRegistry;
import dev.baton.lock.LockAcquisitionException;
import dev.baton.singleflight.FlightOptions;
import dev.baton.singleflight.SingleFlight;
import dev.baton.test.RedisTestServers;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * With an {@link ObservationRegistry}, lock waits and holds, flights and AI calls are
 * Observations (spans under Micrometer Tracing) with low-cardinality {@code name} and
 * {@code outcome}, never the key unless asked for. A recording handler stands in for the tracer.
 */
class ObservationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, BatonAutoConfiguration.class,
				DistributedLockAutoConfiguration.class, SingleFlightAutoConfiguration.class,
				AiGatewayAutoConfiguration.class))
		.withConfiguration(BootAutoConfigurations.redis())
		.withConfiguration(BootAutoConfigurations.jackson())
		.withPropertyValues(RedisTestServers.shared().springProperties())
		.withPropertyValues("baton.redis.key-prefix=observed" + System.nanoTime())
		.withUserConfiguration(Observations.class);

	@Test
	void observesLockWaitsAndHoldsByNameAndOutcomeWithoutTheKey() {
		this.runner.run((context) -> {
			Recorded recorded = context.getBean(Recorded.class);
			Stock stock = context.getBean(Stock.class);
			stock.reserve("sku-1");
			assertThat(recorded.named("baton.lock.wait")).singleElement().satisfies((wait) -> {
				assertThat(wait.contextualName()).isEqualTo("lock wait stock");
				assertThat(wait.low()).containsExactlyInAnyOrderEntriesOf(Map.of("name", "stock", "outcome", "acquired"));
				assertThat(wait.high()).isEmpty();
			});
			assertThat(recorded.named("baton.lock.hold")).singleElement().satisfies((hold) -> {
				assertThat(hold.contextualName()).isEqualTo("lock hold stock");
				assertThat(hold.low()).containsExactlyEntriesOf(Map.of("name", "stock"));
				assertThat(hold.error()).isNull();
			});
		});
	}

	@Test
	void observesALockTimeoutAsItsOutcomeAndError() {
		this.runner.run((context) -> {
			Recorded recorded = context.getBean(Recorded.class);
			DistributedLock held = context.getBean(DistributedLockRegistry.class).obtain("sku-busy");
			held.lock();
			try {
				CompletableFuture<Void> elsewhere = CompletableFuture
					.runAsync(() -> context.getBean(Stock.class).reserve("sku-busy"));
				assertThatExceptionOfType(CompletionException.class).isThrownBy(elsewhere::join)
					.withCauseInstanceOf(LockAcquisitionException.class);
			}
			finally {
				held.unlock();
			}
			assertThat(recorded.named("baton.lock.wait")).singleElement().satisfies((wait) -> {
				assertThat(wait.low()).containsEntry("outcome", "timeout");
				assertThat(wait.error()).isInstanceOf(LockAcquisitionException.class);
			});
			assertThat(recorded.named("baton.lock.hold")).isEmpty();
		});
	}

	@Test
	void showsTheKeyAsAHighCardinalityValueOnlyWhenAskedTo() {
		this.runner.withPropertyValues("baton.observation.include-keys=true").run((context) -> {
			context.getBean(Stock.class).reserve("sku-7");
			Recorded recorded = context.getBean(Recorded.class);
			assertThat(recorded.named("baton.lock.wait")).singleElement()
				.satisfies((wait) -> assertThat(wait.high()).containsExactlyEntriesOf(Map.of("baton.key", "sku-7")));
			assertThat(recorded.all()).allSatisfy((observation) -> assertThat(observation.low()).doesNotContainValue("sku-7"));
		});
	}

	@Test
	void observesFlightsThatMissTheLocalCacheNotTheHits() {
		this.runner.run((context) -> {
			SingleFlight flights = context.getBean(SingleFlight.class);
			FlightOptions<String> options = FlightOptions.of(String.class).named("product");
			assertThat(flights.execute("p-1", options, () -> "loaded")).isEqualTo("loaded");
			assertThat(flights.execute("p-1", options, () -> "again")).isEqualTo("loaded");
			Recorded recorded = context.getBean(Recorded.class);
			assertThat(recorded.named("baton.singleflight")).singleElement().satisfies((flight) -> {
				assertThat(flight.contextualName()).isEqualTo("flight product");
				assertThat(flight.low()).containsExactlyInAnyOrderEntriesOf(Map.of("name", "product", "outcome", "leader"));
				assertThat(flight.high()).isEmpty();
			});
		});
	}

	@Test
	void observesAiCallsInTheGenAiConventions() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
			this.runner.withPropertyValues("baton.ai.base-url=" + server.baseUrl(), "baton.ai.model=gpt-test")
				.run((context) -> {
					context.getBean(AiGatewayClient.class).chatBlocking(ChatRequest.of("hello"));
					Recorded recorded = context.getBean(Recorded.class);
					assertThat(recorded.named("gen_ai.client.operation")).singleElement().satisfies((call) -> {
						assertThat(call.contextualName()).isEqualTo("chat gpt-test");
						assertThat(call.low()).containsExactlyInAnyOrderEntriesOf(Map.of("gen_ai.operation.name", "chat",
								"gen_ai.system", "openai", "gen_ai.request.model", "gpt-test", "outcome", "success"));
						assertThat(call.high()).containsKeys("gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
								"gen_ai.usage.total_tokens", "gen_ai.response.model");
						assertThat(Long.parseLong(call.high().get("gen_ai.usage.total_tokens"))).isPositive();
					});
				});
		}
	}

	@Test
	void keepsEveryFeaturesMetersNextToItsObservations() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
			this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
				.withPropertyValues("baton.ai.base-url=" + server.baseUrl())
				.run((context) -> {
					context.getBean(Stock.class).reserve("sku-3");
					context.getBean(SingleFlight.class).execute("p-3", FlightOptions.of(String.class).named("p"), () -> "x");
					context.getBean(AiGatewayClient.class).chatBlocking(ChatRequest.of("hi"));
					MeterRegistry meters = context.getBean(MeterRegistry.class);
					assertThat(meters.get("baton.lock.acquire").tags("name", "stock", "outcome", "acquired")
						.functionTimer()
						.count()).isOne();
					assertThat(meters.get("baton.singleflight.calls").tags("name", "p", "outcome", "leader")
						.functionCounter()
						.count()).isOne();
					assertThat(meters.get("baton.ai.requests").tag("outcome", "success").timer().count()).isOne();
					assertThat(context.getBean(Recorded.class).all()).extracting(Stopped::name)
						.contains("baton.lock.wait", "baton.lock.hold", "baton.singleflight", "gen_ai.client.operation");
				});
		}
	}

	@Test
	void observesNothingWhenTurnedOff() {
		this.runner
			.withPropertyValues("baton.observation.locks=false", "baton.observation.flights=false")
			.run((context) -> {
				context.getBean(Stock.class).reserve("sku-2");
				context.getBean(SingleFlight.class).execute("p-2", FlightOptions.of(String.class), () -> "x");
				assertThat(context.getBean(Recorded.class).all()).isEmpty();
			});
	}

	/** A stopped observation as a tracer would see it. */
	record Stopped(String name, String contextualName, Map<String, String> low, Map<String, String> high,
			Throwable error) {

		static Stopped of(Observation.Context context) {
			return new Stopped(context.getName(), context.getContextualName(), map(context.getLowCardinalityKeyValues()),
					map(context.getHighCardinalityKeyValues()), context.getError());
		}

		private static Map<String, String> map(Iterable<KeyValue> keyValues) {
			return StreamSupport.stream(keyValues.spliterator(), false)
				.collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
		}

	}

	static final class Recorded implements ObservationHandler<Observation.Context> {

		private final List<Stopped> stopped = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(Observation.Context context) {
			this.stopped.add(Stopped.of(context));
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

		List<Stopped> all() {
			return List.copyOf(this.stopped);
		}

		List<Stopped> named(String name) {
			return this.stopped.stream().filter((stopped) -> stopped.name().equals(name)).toList();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Observations {

		@Bean
		Recorded recorded() {
			return new Recorded();
		}

		@Bean
		ObservationRegistry observationRegistry(Recorded recorded) {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(recorded);
			return registry;
		}

		@Bean
		Stock stock() {
			return new Stock();
		}

	}

	public static class Stock {

		@dev.baton.annotation.DistributedLock(key = "#sku", name = "stock", waitTime = "0s")
		public void reserve(String sku) {
		}

	}

}
