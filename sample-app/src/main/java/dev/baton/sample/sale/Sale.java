package dev.baton.sample.sale;

/**
 * A sale as {@code GET /api/flash-sales/{sku}} shows it.
 *
 * @param sku the SKU
 * @param stock units left
 * @param sold units the stock counter says were sold (opening stock minus stock left)
 * @param orders order records stored; more than {@code sold} means the sale oversold
 */
record Sale(String sku, long stock, long sold, long orders) {
}
