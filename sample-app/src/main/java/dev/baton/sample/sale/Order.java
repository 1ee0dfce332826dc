package dev.baton.sample.sale;

/**
 * One order record.
 *
 * @param orderId unique id
 * @param sku the sale's SKU
 * @param userId the buyer
 * @param fencingToken the token of the lock the purchase held, {@code null} when unguarded
 */
record Order(String orderId, String sku, String userId, Long fencingToken) {
}
