package dev.baton.sample.description;

/**
 * A blurb and what it cost.
 *
 * @param sku the product
 * @param description the text
 * @param model the model that wrote it
 * @param promptTokens input tokens billed
 * @param completionTokens output tokens billed
 */
record Description(String sku, String description, String model, long promptTokens, long completionTokens) {
}
