package dev.baton.sample.sale;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sample.HttpJson;
import dev.baton.sample.SampleInstance;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of the app on one Redis. 1,000 buyers from 500 users at once for 100 units:
 * with the guards the sale sells exactly its stock; without them ({@code sample.locking=false},
 * the same checkout code, the same load) it oversells. 300 requests for a cold product across
 * both: the slow loader runs once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoInstanceTests {

	static final int STOCK = 100;

	static final int BUYERS = 1_000;

	static final int USERS = 500;

	final List<SampleInstance> guarded = new ArrayList<>();

	final List<SampleInstance> unguarded = new ArrayList<>();

	final HttpJson http = new HttpJson();

	@BeforeAll
	void startInstances() {
		for (int i = 0; i < 2; i++) {
			// A wait long enough that no buyer is turned away BUSY: every one reaches the checkout.
			this.guarded.add(SampleInstance.start("sample.purchase.lock-wait=60s"));
			this.unguarded.add(SampleInstance.start("sample.locking=false"));
		}
	}

	@AfterAll
	void stopInstances() {
		this.guarded.forEach(SampleInstance::close);
		this.unguarded.forEach(SampleInstance::close);
	}

	@Test
	void guardedSaleSellsExactlyItsStockAcrossTwoInstances() {
		assertPurchaseIs(this.guarded, GuardedPurchase.class);
		String sku = openSale(this.guarded);

		Buyers.Outcome outcome = new Buyers(urls(this.guarded)).send(sku, BUYERS, USERS);

		assertThat(outcome.count("201")).isEqualTo(STOCK);
		assertThat(outcome.count("409 SOLD_OUT") + outcome.count("409 ALREADY_ORDERED")).isEqualTo(BUYERS - STOCK);
		JsonNode sale = this.http.get(this.guarded.get(1).baseUrl() + "/api/flash-sales/" + sku).json();
		assertThat(sale.path("stock").asLong()).isZero();
		assertThat(sale.path("sold").asLong()).isEqualTo(STOCK);
		assertThat(sale.path("orders").asLong()).isEqualTo(STOCK);
		List<JsonNode> orders = orders(this.guarded, sku);
		assertThat(orders).hasSize(STOCK);
		assertThat(orders.stream().map((order) -> order.path("userId").asText())).doesNotHaveDuplicates();
		List<Long> tokens = orders.stream().map((order) -> order.path("fencingToken").asLong()).toList();
		assertThat(tokens).isSorted().doesNotHaveDuplicates();
		assertThat(outcome.created().stream().map((order) -> order.path("fencingToken").asLong()))
			.containsExactlyInAnyOrderElementsOf(tokens);
	}

	@Test
	void unguardedSaleOversellsUnderTheSameLoad() {
		assertPurchaseIs(this.unguarded, UnguardedPurchase.class);
		String sku = openSale(this.unguarded);

		Buyers.Outcome outcome = new Buyers(urls(this.unguarded)).send(sku, BUYERS, USERS);

		JsonNode sale = this.http.get(this.unguarded.get(1).baseUrl() + "/api/flash-sales/" + sku).json();
		List<JsonNode> orders = orders(this.unguarded, sku);
		long distinctBuyers = orders.stream().map((order) -> order.path("userId").asText()).distinct().count();
		boolean oversold = sale.path("orders").asLong() > sale.path("sold").asLong() || orders.size() > STOCK;
		boolean doubleSold = distinctBuyers < orders.size();
		assertThat(oversold || doubleSold)
			.as("unguarded: %s, sale %s, %d orders from %d buyers", outcome.responses(), sale, orders.size(),
					distinctBuyers)
			.isTrue();
		assertThat(outcome.count("201")).isEqualTo(orders.size());
	}

	@Test
	void coldProductRequestedThreeHundredTimesAcrossTwoInstancesLoadsOnce() {
		String sku = "cold-" + UUID.randomUUID().toString().substring(0, 8);
		double loadsBefore = loads(this.guarded);
		List<CompletableFuture<HttpJson.Answer>> requests = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			requests.add(this.http.sendAsync("GET", this.guarded.get(i % 2).baseUrl() + "/api/products/" + sku, null));
		}
		List<HttpJson.Answer> answers = requests.stream().map(CompletableFuture::join).toList();

		assertThat(answers).allSatisfy((answer) -> assertThat(answer.status()).as(answer.body()).isEqualTo(200));
		assertThat(answers.stream().map((answer) -> answer.json().path("loadedAt").asText()).distinct())
			.as("one loaded value shared by every answer")
			.hasSize(1);
		assertThat(loads(this.guarded) - loadsBefore).isEqualTo(1);
	}

	private static double loads(List<SampleInstance> instances) {
		return instances.stream()
			.mapToDouble((instance) -> instance.context().getBean(MeterRegistry.class).counter("sample.product.loads").count())
			.sum();
	}

	private String openSale(List<SampleInstance> instances) {
		String sku = "two-" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(this.http.send("PUT", instances.get(0).baseUrl() + "/api/flash-sales/" + sku,
				"{\"stock\": " + STOCK + "}").status()).isEqualTo(200);
		return sku;
	}

	private List<JsonNode> orders(List<SampleInstance> instances, String sku) {
		List<JsonNode> orders = new ArrayList<>();
		this.http.get(instances.get(0).baseUrl() + "/api/flash-sales/" + sku + "/orders").json().forEach(orders::add);
		return orders;
	}

	private static void assertPurchaseIs(List<SampleInstance> instances, Class<? extends Purchase> type) {
		instances.forEach((instance) -> assertThat(instance.context().getBean(Purchase.class)).isInstanceOf(type));
	}

	private static List<String> urls(List<SampleInstance> instances) {
		return instances.stream().map(SampleInstance::baseUrl).toList();
	}

}
