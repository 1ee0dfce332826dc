package dev.baton.sample.sale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/** The same purchase with the guards off ({@code sample.locking=false}), to show the oversell. */
@Component
@ConditionalOnBooleanProperty(name = "sample.locking", havingValue = false)
final class UnguardedPurchase implements Purchase {

	private static final Logger logger = LoggerFactory.getLogger(UnguardedPurchase.class);

	private final Checkout checkout;

	UnguardedPurchase(Checkout checkout) {
		this.checkout = checkout;
		logger.warn("sample.locking=false: purchases run unguarded and can oversell");
	}

	@Override
	public Order buy(String sku, String userId) {
		return this.checkout.buy(sku, userId, null);
	}

}
