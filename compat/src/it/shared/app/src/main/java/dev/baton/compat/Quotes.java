package dev.baton.compat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.annotation.SingleFlight;

import org.springframework.boot.SpringBootVersion;
import org.springframework.stereotype.Service;

/**
 * Loads quotes through {@code @SingleFlight}, counting the loader's runs. No local cache
 * ({@code localTtl = "0s"}): every call that does not load reads the stored JSON from Redis.
 */
@Service
public class Quotes {

	private final AtomicInteger loads = new AtomicInteger();

	private volatile CountDownLatch gate = new CountDownLatch(0);

	private volatile CountDownLatch loading = new CountDownLatch(1);

	/**
	 * The quote of a SKU, made by at most one caller per key while it is stored; that caller
	 * waits at the gate while {@link #closeGate()} holds it.
	 */
	@SingleFlight(name = "quote", key = "'quote:' + #sku", ttl = "5m", localTtl = "0s", waitTimeout = "30s")
	public Quote quote(String sku) throws InterruptedException {
		this.loads.incrementAndGet();
		this.loading.countDown();
		if (!this.gate.await(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("The loader's gate stayed closed");
		}
		return new Quote(sku, Instant.now(), new BigDecimal("19.90"), List.of("lamp", "brass", "sale"),
				new Quote.Seller("Baton & Sons", 5), null, "Spring Boot " + SpringBootVersion.getVersion());
	}

	/** How many times the loader ran in this JVM. */
	public int loads() {
		return this.loads.get();
	}

	/**
	 * Holds the next loads until {@link #openGate()}.
	 * @return a latch that opens when a loader starts waiting at the gate
	 */
	public CountDownLatch closeGate() {
		this.loading = new CountDownLatch(1);
		this.gate = new CountDownLatch(1);
		return this.loading;
	}

	public void openGate() {
		this.gate.countDown();
	}

}
