package dev.baton.sample.product;

import dev.baton.sample.web.Sku;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/products/{sku}}. */
@RestController
final class ProductController {

	private final ProductCatalog catalog;

	ProductController(ProductCatalog catalog) {
		this.catalog = catalog;
	}

	@GetMapping("/api/products/{sku}")
	Product product(@PathVariable @Sku String sku) {
		return this.catalog.product(sku);
	}

}
