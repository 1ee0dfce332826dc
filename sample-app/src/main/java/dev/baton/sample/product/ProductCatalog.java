package dev.baton.sample.product;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import dev.baton.annotation.SingleFlight;
import dev.baton.sample.SimulatedWork;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/**
 * Product details from a slow "database" ({@code sample.product.load-time}, 200 ms by default),
 * each load counted in {@code sample.product.loads}, behind {@code @SingleFlight}: however many
 * requests for a cold product arrive at once on however many instances, one of them loads it
 * and the others get its result, which stays in Redis for {@code sample.product.ttl} and in each
 * instance's memory for {@code sample.product.local-ttl}. Not final: Spring proxies it to apply
 * the annotation.
 */
@Service
class ProductCatalog {

	private final Counter loads;

	private final Duration loadTime;

	ProductCatalog(MeterRegistry meters, @Value("${sample.product.load-time:200ms}") Duration loadTime) {
		this.loads = Counter.builder("sample.product.loads")
			.description("Runs of the slow product loader")
			.register(meters);
		this.loadTime = loadTime;
	}

	@SingleFlight(key = "'product:' + #sku", ttl = "${sample.product.ttl:30s}",
			localTtl = "${sample.product.local-ttl:5s}", name = "product")
	public Product product(String sku) {
		return load(sku);
	}

	private Product load(String sku) {
		this.loads.increment();
		SimulatedWork.take(this.loadTime);
		String name = "Limited edition " + sku.toUpperCase(Locale.ROOT);
		long priceCents = 1_000 + Math.floorMod(sku.hashCode(), 9_000);
		return new Product(sku, name, priceCents, Instant.now());
	}

}
