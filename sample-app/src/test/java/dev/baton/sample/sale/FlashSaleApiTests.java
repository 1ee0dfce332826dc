package dev.baton.sample.sale;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.lock.DistributedLock;
import dev.baton.lock.DistributedLockRegistry;
import dev.baton.mutex.KeyedMutexPool;
import dev.baton.mutex.MutexPermit;
import dev.baton.sample.HttpJson;
import dev.baton.sample.HttpJson.Answer;
import dev.baton.sample.SampleAppTest;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SampleAppTest
class FlashSaleApiTests {

	@LocalServerPort
	int port;

	@Autowired
	DistributedLockRegistry locks;

	@Autowired
	KeyedMutexPool mutexes;

	@Autowired
	MeterRegistry meters;

	final HttpJson http = new HttpJson();

	String sku;

	@BeforeEach
	void newSku() {
		this.sku = "api-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void openingASaleShowsItsStock() {
		Answer opened = open(this.sku, 3);
		assertThat(opened.status()).isEqualTo(200);
		JsonNode sale = this.http.get(saleUrl()).json();
		assertThat(sale.path("sku").asText()).isEqualTo(this.sku);
		assertThat(sale.path("stock").asLong()).isEqualTo(3);
		assertThat(sale.path("sold").asLong()).isZero();
		assertThat(sale.path("orders").asLong()).isZero();
	}

	@Test
	void orderIsCreatedWithTheLocksFencingToken() {
		open(this.sku, 3);
		Answer created = order("u-1");
		assertThat(created.status()).isEqualTo(201);
		JsonNode order = created.json();
		assertThat(order.path("orderId").asText()).isNotBlank();
		assertThat(order.path("sku").asText()).isEqualTo(this.sku);
		assertThat(order.path("userId").asText()).isEqualTo("u-1");
		assertThat(order.path("fencingToken").isIntegralNumber()).isTrue();
		JsonNode sale = this.http.get(saleUrl()).json();
		assertThat(sale.path("stock").asLong()).isEqualTo(2);
		assertThat(sale.path("sold").asLong()).isEqualTo(1);
		assertThat(sale.path("orders").asLong()).isEqualTo(1);
	}

	@Test
	void aUserOrdersOncePerSale() {
		open(this.sku, 3);
		assertThat(order("u-1").status()).isEqualTo(201);
		Answer again = order("u-1");
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.error()).isEqualTo("ALREADY_ORDERED");
	}

	@Test
	void theLastUnitSellsAndThenTheSaleIsSoldOut() {
		open(this.sku, 1);
		assertThat(order("u-1").status()).isEqualTo(201);
		Answer late = order("u-2");
		assertThat(late.status()).isEqualTo(409);
		assertThat(late.error()).isEqualTo("SOLD_OUT");
		assertThat(late.json().path("message").asText()).contains(this.sku);
	}

	@Test
	void reopeningASaleForgetsItsOrders() {
		open(this.sku, 1);
		order("u-1");
		open(this.sku, 5);
		JsonNode sale = this.http.get(saleUrl()).json();
		assertThat(sale.path("stock").asLong()).isEqualTo(5);
		assertThat(sale.path("orders").asLong()).isZero();
		assertThat(order("u-1").status()).isEqualTo(201);
	}

	@Test
	void unknownSaleIsNotFound() {
		Answer shown = this.http.get(saleUrl());
		Answer ordered = order("u-1");
		assertThat(shown.status()).isEqualTo(404);
		assertThat(shown.error()).isEqualTo("UNKNOWN_SALE");
		assertThat(ordered.status()).isEqualTo(404);
		assertThat(ordered.error()).isEqualTo("UNKNOWN_SALE");
	}

	@Test
	void purchaseThatCannotGetTheLockInTimeIsBusyWithRetryAfter() throws InterruptedException {
		open(this.sku, 3);
		DistributedLock lock = this.locks.obtain("sku:" + this.sku);
		assertThat(lock.tryLock(Duration.ofSeconds(5), Duration.ofSeconds(30))).isTrue();
		try {
			Answer busy = order("u-1");
			assertThat(busy.status()).isEqualTo(429);
			assertThat(busy.error()).isEqualTo("BUSY");
			assertThat(busy.retryAfter()).hasValue("1");
		}
		finally {
			lock.unlock();
		}
		assertThat(order("u-1").status()).isEqualTo(201);
	}

	@Test
	void purchaseWhileTheSameUsersPurchaseRunsIsBusyWithRetryAfter() throws InterruptedException {
		open(this.sku, 3);
		try (MutexPermit permit = this.mutexes.tryLock("u-1", Duration.ofSeconds(5)).orElseThrow()) {
			Answer busy = order("u-1");
			assertThat(busy.status()).isEqualTo(429);
			assertThat(busy.error()).isEqualTo("BUSY");
			assertThat(busy.retryAfter()).hasValue("1");
			assertThat(order("u-2").status()).as("other users are not held up").isEqualTo(201);
		}
		assertThat(order("u-1").status()).isEqualTo(201);
	}

	@Test
	void aUsersSimultaneousSubmitsQueueOnTheirMutexAndOneWins() {
		open(this.sku, 3);
		double before = userWaits();
		List<CompletableFuture<Answer>> submits = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			submits.add(this.http.sendAsync("POST", saleUrl() + "/orders", "{\"userId\": \"u-1\"}"));
		}
		List<Answer> answers = submits.stream().map(CompletableFuture::join).toList();

		assertThat(answers).filteredOn((answer) -> answer.status() == 201).hasSize(1);
		assertThat(answers).filteredOn((answer) -> answer.status() == 409)
			.hasSize(19)
			.allSatisfy((answer) -> assertThat(answer.error()).isEqualTo("ALREADY_ORDERED"));
		assertThat(userWaits() - before).isEqualTo(20);
	}

	@Test
	void ordersAreListedInTheOrderWritten() {
		open(this.sku, 3);
		long first = order("u-1").json().path("fencingToken").asLong();
		long second = order("u-2").json().path("fencingToken").asLong();
		JsonNode orders = this.http.get(saleUrl() + "/orders").json();
		assertThat(orders).hasSize(2);
		assertThat(orders.get(0).path("userId").asText()).isEqualTo("u-1");
		assertThat(orders.get(1).path("fencingToken").asLong()).isEqualTo(second).isGreaterThan(first);
	}

	private double userWaits() {
		FunctionTimer waits = this.meters.find("baton.mutex.wait")
			.tags("name", "flash-sale.buyer", "outcome", "acquired")
			.functionTimer();
		return (waits != null) ? waits.count() : 0;
	}

	private Answer open(String sku, long stock) {
		return this.http.send("PUT", base() + "/api/flash-sales/" + sku, "{\"stock\": " + stock + "}");
	}

	private Answer order(String userId) {
		return this.http.send("POST", saleUrl() + "/orders", "{\"userId\": \"" + userId + "\"}");
	}

	private String saleUrl() {
		return base() + "/api/flash-sales/" + this.sku;
	}

	private String base() {
		return "http://127.0.0.1:" + this.port;
	}

}
