package dev.baton.sample.product;

import java.time.Instant;

/**
 * Product details.
 *
 * @param sku the SKU
 * @param name display name
 * @param priceCents price in cents
 * @param loadedAt when the loader produced this value (equal across answers that shared a load)
 */
record Product(String sku, String name, long priceCents, Instant loadedAt) {
}
