package dev.baton.sample.sale;

import java.time.Duration;
import java.util.UUID;

import dev.baton.json.JsonCodec;
import dev.baton.sample.web.ApiException;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The store refuses a write carrying an older fencing token than the last one written. */
class SaleStoreTests {

	LettuceConnectionFactory connections;

	SaleStore store;

	String sku;

	@BeforeEach
	void openSale() {
		this.connections = RedisTestServers.shared().newConnectionFactory();
		this.store = new SaleStore(new StringRedisTemplate(this.connections), JsonCodec.standard());
		this.sku = "store-" + UUID.randomUUID().toString().substring(0, 8);
		this.store.open(this.sku, 10);
	}

	@AfterEach
	void closeConnections() {
		this.connections.destroy();
	}

	@Test
	void writeWithAnOlderTokenIsRefusedAndChangesNothing() {
		assertThat(this.store.write(order("u-1", 10L), 9)).isTrue();

		assertThat(this.store.write(order("u-2", 9L), 8)).isFalse();

		assertThat(this.store.sale(this.sku)).hasValue(new Sale(this.sku, 9, 1, 1));
		assertThat(this.store.hasOrdered(this.sku, "u-2")).isFalse();
		assertThat(this.store.write(order("u-3", 11L), 8)).isTrue();
		assertThat(this.store.orders(this.sku, 10)).extracting(Order::fencingToken).containsExactly(10L, 11L);
	}

	@Test
	void checkoutWithAStaleTokenIsAStaleWrite() {
		Checkout checkout = new Checkout(this.store, Duration.ZERO);
		checkout.buy(this.sku, "u-1", 50L);

		assertThatExceptionOfType(ApiException.class).isThrownBy(() -> checkout.buy(this.sku, "u-2", 49L))
			.satisfies((ex) -> assertThat(ex.getCode()).isEqualTo("STALE_WRITE"));
		assertThat(this.store.sale(this.sku)).hasValue(new Sale(this.sku, 9, 1, 1));
	}

	@Test
	void reopeningKeepsTheLastTokenSoOldHoldersStayFenced() {
		this.store.write(order("u-1", 70L), 9);
		this.store.open(this.sku, 10);

		assertThat(this.store.write(order("u-2", 69L), 9)).isFalse();
	}

	private Order order(String userId, Long token) {
		return new Order(UUID.randomUUID().toString(), this.sku, userId, token);
	}

}
