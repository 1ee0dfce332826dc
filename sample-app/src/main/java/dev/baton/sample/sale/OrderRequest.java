package dev.baton.sample.sale;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/flash-sales/{sku}/orders}. */
record OrderRequest(@NotBlank @Size(max = 128) String userId) {
}
