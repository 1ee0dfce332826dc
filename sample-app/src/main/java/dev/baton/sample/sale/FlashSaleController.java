package dev.baton.sample.sale;

import java.util.List;

import dev.baton.sample.web.Sku;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Positive;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The flash-sale API. */
@RestController
@RequestMapping("/api/flash-sales/{sku}")
final class FlashSaleController {

	private final SaleStore store;

	private final Purchase purchase;

	FlashSaleController(SaleStore store, Purchase purchase) {
		this.store = store;
		this.purchase = purchase;
	}

	/** Opens (or reopens) a sale with this stock, forgetting its orders. */
	@PutMapping
	Sale open(@PathVariable @Sku String sku, @RequestBody @Valid OpenSaleRequest request) {
		this.store.open(sku, request.stock());
		return show(sku);
	}

	@PostMapping("/orders")
	@ResponseStatus(HttpStatus.CREATED)
	Order order(@PathVariable @Sku String sku, @RequestBody @Valid OrderRequest request) {
		return this.purchase.buy(sku, request.userId());
	}

	@GetMapping
	Sale show(@PathVariable @Sku String sku) {
		return this.store.sale(sku).orElseThrow(() -> SaleExceptions.unknownSale(sku));
	}

	/** The order records, in the order written (not part of the contract other tools drive). */
	@GetMapping("/orders")
	List<Order> orders(@PathVariable @Sku String sku,
			@RequestParam(defaultValue = "10000") @Positive @Max(100_000) int limit) {
		show(sku);
		return this.store.orders(sku, limit);
	}

}
