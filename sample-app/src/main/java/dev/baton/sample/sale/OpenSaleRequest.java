package dev.baton.sample.sale;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

/** Body of {@code PUT /api/flash-sales/{sku}}. */
record OpenSaleRequest(@NotNull @PositiveOrZero @Max(1_000_000) Long stock) {
}
