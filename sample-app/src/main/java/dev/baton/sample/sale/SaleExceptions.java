package dev.baton.sample.sale;

import dev.baton.sample.web.ApiException;

import org.springframework.http.HttpStatus;

/** The ways a purchase is refused. */
final class SaleExceptions {

	private SaleExceptions() {
	}

	static ApiException unknownSale(String sku) {
		return new ApiException(HttpStatus.NOT_FOUND, "UNKNOWN_SALE", "No sale is open for SKU " + sku);
	}

	static ApiException soldOut(String sku) {
		return new ApiException(HttpStatus.CONFLICT, "SOLD_OUT", "SKU " + sku + " is sold out");
	}

	static ApiException alreadyOrdered(String sku) {
		return new ApiException(HttpStatus.CONFLICT, "ALREADY_ORDERED", "This user already ordered SKU " + sku);
	}

	/** The store refused the write: a newer lock holder has written since this one's lock ran out. */
	static ApiException staleWrite(String sku, long token) {
		return new ApiException(HttpStatus.CONFLICT, "STALE_WRITE",
				"Write of SKU " + sku + " with fencing token " + token + " refused: a newer lock holder wrote first");
	}

}
