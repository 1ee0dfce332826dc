package dev.baton.singleflight;

/** A value type for round trips through Redis. */
record Product(String sku, String name, int priceCents) {

}
