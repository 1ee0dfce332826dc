package dev.baton.sample.sale;

import dev.baton.annotation.DistributedLock;
import dev.baton.annotation.KeyedMutex;
import dev.baton.lock.LockContext;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

/**
 * The purchase as it should run: one purchase per user at a time in this instance
 * ({@code @KeyedMutex}, so that a user's double-submit queues here instead of taking a turn at
 * the cluster-wide lock), then one buyer of a SKU at a time across every instance
 * ({@code @DistributedLock}), writing with the lock's fencing token. Not final: Spring proxies
 * it to apply the annotations.
 */
@Component
@ConditionalOnBooleanProperty(name = "sample.locking", matchIfMissing = true)
class GuardedPurchase implements Purchase {

	private final Checkout checkout;

	GuardedPurchase(Checkout checkout) {
		this.checkout = checkout;
	}

	@Override
	@KeyedMutex(key = "#userId", waitTime = "${sample.purchase.lock-wait:2s}", name = "flash-sale.buyer")
	@DistributedLock(key = "'sku:' + #sku", waitTime = "${sample.purchase.lock-wait:2s}", name = "flash-sale.purchase")
	public Order buy(String sku, String userId) {
		long token = LockContext.fencingToken()
			.orElseThrow(() -> new IllegalStateException("No fencing token inside @DistributedLock"));
		return this.checkout.buy(sku, userId, token);
	}

}
