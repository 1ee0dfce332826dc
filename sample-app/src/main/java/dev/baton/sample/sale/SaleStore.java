package dev.baton.sample.sale;

import java.util.List;
import java.util.Optional;

import dev.baton.json.JsonCodec;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * Sales in Redis, the real store: per SKU a hash {@code flash-sale:{sku}} (opening stock and
 * stock left), the order records {@code :orders}, the buyers {@code :buyers} and the last
 * fencing token written {@code :fence}. The braces keep a sale's keys on one cluster slot.
 */
@Component
final class SaleStore {

	private static final RedisScript<Long> OPEN = RedisScript
		.of(new ClassPathResource("dev/baton/sample/sale/open-sale.lua"), Long.class);

	private static final RedisScript<Long> WRITE = RedisScript
		.of(new ClassPathResource("dev/baton/sample/sale/write-order.lua"), Long.class);

	private final StringRedisTemplate redis;

	/** Order records as JSON through the application's mapper (Jackson 3 on Boot 4, 2 on Boot 3.5). */
	private final JsonCodec.JsonType orders;

	SaleStore(StringRedisTemplate redis, JsonCodec json) {
		this.redis = redis;
		this.orders = json.type(Order.class);
	}

	void open(String sku, long stock) {
		this.redis.execute(OPEN, List.of(saleKey(sku), ordersKey(sku), buyersKey(sku)), Long.toString(stock));
	}

	/** The sale's opening stock and stock left, if it was opened. */
	Optional<Levels> levels(String sku) {
		List<Object> values = this.redis.opsForHash().multiGet(saleKey(sku), List.of("initial", "stock"));
		if (values.get(0) == null || values.get(1) == null) {
			return Optional.empty();
		}
		return Optional.of(new Levels(Long.parseLong((String) values.get(0)), Long.parseLong((String) values.get(1))));
	}

	Optional<Sale> sale(String sku) {
		return levels(sku).map((levels) -> {
			Long orders = this.redis.opsForList().size(ordersKey(sku));
			return new Sale(sku, levels.stock(), levels.initial() - levels.stock(), (orders != null) ? orders : 0);
		});
	}

	boolean hasOrdered(String sku, String userId) {
		return Boolean.TRUE.equals(this.redis.opsForSet().isMember(buyersKey(sku), userId));
	}

	/**
	 * Writes the stock left, the buyer's marker and the order.
	 * @return {@code false} when refused because the order's fencing token is older than the
	 * last one written
	 */
	boolean write(Order order, long stockLeft) {
		String sku = order.sku();
		Long written = this.redis.execute(WRITE, List.of(saleKey(sku), ordersKey(sku), buyersKey(sku), fenceKey(sku)),
				Long.toString(stockLeft), order.userId(), toJson(order),
				(order.fencingToken() != null) ? order.fencingToken().toString() : "");
		return written != null && written == 1;
	}

	/** Every order record, in the order written. */
	List<Order> orders(String sku, long limit) {
		List<String> records = this.redis.opsForList().range(ordersKey(sku), 0, limit - 1);
		return (records != null) ? records.stream().map(this::fromJson).toList() : List.of();
	}

	private String toJson(Order order) {
		return this.orders.write(order);
	}

	private Order fromJson(String record) {
		return (Order) this.orders.read(record);
	}

	private static String saleKey(String sku) {
		return "flash-sale:{" + sku + "}";
	}

	private static String ordersKey(String sku) {
		return saleKey(sku) + ":orders";
	}

	private static String buyersKey(String sku) {
		return saleKey(sku) + ":buyers";
	}

	private static String fenceKey(String sku) {
		return saleKey(sku) + ":fence";
	}

	/** What the stock counter holds. */
	record Levels(long initial, long stock) {
	}

}
