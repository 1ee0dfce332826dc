package dev.baton.compat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A single-flight result with the types whose JSON differs most easily between Jackson 2 and
 * Jackson 3 set-ups: an instant, a decimal with trailing zeros, a list, a nested record and a
 * null (which the application's mapper leaves out: {@code spring.jackson.default-property-inclusion}).
 *
 * @param sku the product
 * @param pricedAt when the loader ran
 * @param price the price, scale 2
 * @param tags labels, in order
 * @param seller who sells it
 * @param note a remark, or null
 * @param loadedBy the Spring Boot version of the instance whose loader made this quote
 */
public record Quote(String sku, Instant pricedAt, BigDecimal price, List<String> tags, Seller seller,
		String note, String loadedBy) {

	/**
	 * Who sells the product: a record inside the record.
	 * @param name display name
	 * @param rating stars, 1 to 5
	 */
	public record Seller(String name, int rating) {

	}

}
