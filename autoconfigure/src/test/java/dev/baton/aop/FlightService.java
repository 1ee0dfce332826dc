package dev.baton.aop;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.annotation.SingleFlight;
import reactor.core.publisher.Mono;

/** {@code @SingleFlight} methods of every supported return kind; counts how often each body runs. */
public class FlightService {

	private final AtomicInteger runs = new AtomicInteger();

	public int runs() {
		return this.runs.get();
	}

	@SingleFlight(key = "'product:' + #sku", ttl = "30s", localTtl = "5s")
	public Item product(String sku) {
		this.runs.incrementAndGet();
		return new Item(sku, "Lamp", 30);
	}

	@SingleFlight(key = "'list:' + #sku", name = "items")
	public List<Item> items(String sku) {
		this.runs.incrementAndGet();
		return List.of(new Item(sku, "Lamp", 30), new Item(sku + "-2", "Desk", 120));
	}

	@SingleFlight(key = "'mono:' + #sku")
	public Mono<Item> reactive(String sku) {
		return Mono.fromCallable(() -> {
			this.runs.incrementAndGet();
			return new Item(sku, "Mono", 7);
		});
	}

	@SingleFlight(key = "'stage:' + #sku")
	public CompletionStage<Optional<Item>> later(String sku) {
		this.runs.incrementAndGet();
		return CompletableFuture.completedFuture(sku.isEmpty() ? Optional.empty() : Optional.of(new Item(sku, "Later", 1)));
	}

	@SingleFlight(key = "'failing:' + #sku", waitTimeout = "${test.flight.wait:2s}")
	public Item failing(String sku) throws IOException {
		this.runs.incrementAndGet();
		throw new IOException("disk full for " + sku);
	}

	/** A value through Redis. */
	public record Item(String sku, String name, int priceCents) {
	}

}
