package dev.baton.sample.sale;

/** Buys one unit of a sale for a user: {@link GuardedPurchase} or {@link UnguardedPurchase}. */
interface Purchase {

	/**
	 * @return the order written
	 * @throws dev.baton.sample.web.ApiException when the sale is unknown or sold out, or the
	 * user already ordered
	 * @throws dev.baton.lock.LockAcquisitionException when the guard's wait ran out
	 */
	Order buy(String sku, String userId);

}
