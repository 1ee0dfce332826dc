package dev.baton.singleflight;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Results go through Redis as JSON for their declared generic type and come back equal. */
class SingleFlightTypesTests {

	private final FlightInstances instances = new FlightInstances(RedisTestServers.shared());

	private final SingleFlight writer = this.instances.start((b) -> b);

	// No local cache: every read comes from Redis.
	private final SingleFlight reader = this.instances.start((b) -> b.localMaxSize(0));

	@AfterEach
	void tearDown() throws Exception {
		this.instances.close();
	}

	@Test
	void listOfRecords() {
		FlightOptions<List<Product>> options = FlightOptions.of(new ParameterizedTypeReference<>() {
		});
		List<Product> products = List.of(new Product("a", "Lamp", 30), new Product("b", "Desk", 120));
		assertRoundTrip("list", options, products);
		assertThat(this.reader.execute("list", options, List::of).get(0)).isInstanceOf(Product.class);
	}

	@Test
	void record() {
		assertRoundTrip("record", FlightOptions.of(Product.class), new Product("a", "Lamp", 30));
	}

	@Test
	void optionalPresentAndEmpty() {
		FlightOptions<Optional<Product>> options = FlightOptions.of(new ParameterizedTypeReference<>() {
		});
		assertRoundTrip("present", options, Optional.of(new Product("a", "Lamp", 30)));
		assertRoundTrip("absent", options, Optional.empty());
	}

	@Test
	void mapOfJavaTime() {
		FlightOptions<Map<String, Instant>> options = FlightOptions.of(new ParameterizedTypeReference<>() {
		});
		assertRoundTrip("times", options, Map.of("created", Instant.parse("2024-05-01T10:15:30.123Z")));
	}

	@Test
	void reactiveRecord() {
		FlightOptions<Product> options = FlightOptions.of(Product.class);
		Product product = new Product("m", "Mono", 7);
		assertThat(this.writer.executeReactive("mono", options, () -> reactor.core.publisher.Mono.just(product)).block())
			.isEqualTo(product);
		assertThat(this.reader.executeReactive("mono", options, reactor.core.publisher.Mono::empty).block())
			.isEqualTo(product);
	}

	private <T> void assertRoundTrip(String key, FlightOptions<T> options, T value) {
		assertThat(this.writer.execute(key, options, () -> value)).isEqualTo(value);
		assertThat(this.reader.execute(key, options, () -> {
			throw new AssertionError("the stored value should have been read");
		})).isEqualTo(value);
	}

}
