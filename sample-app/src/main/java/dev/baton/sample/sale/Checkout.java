package dev.baton.sample.sale;

import java.time.Duration;
import java.util.UUID;

import dev.baton.sample.SimulatedWork;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.lang.Nullable;
import org.springframework.stereotype.Component;

/**
 * The purchase itself, deliberately a non-atomic read-check-write, as code that reads a row,
 * decides and writes it back usually is: it reads the stock and the buyer's marker, checks
 * them, works a little ({@code sample.purchase.think-time}), then writes the stock it computed.
 * Two buyers of one SKU running it at once both read the same stock and both sell; only a lock
 * around it keeps it correct. The write carries the lock's fencing token, so that a holder
 * whose lock ran out mid-way cannot overwrite a newer holder's work.
 */
@Component
final class Checkout {

	private final SaleStore store;

	private final Duration thinkTime;

	Checkout(SaleStore store, @Value("${sample.purchase.think-time:5ms}") Duration thinkTime) {
		this.store = store;
		this.thinkTime = thinkTime;
	}

	/**
	 * Buys one unit.
	 * @param fencingToken the guarding lock's token, or {@code null} when unguarded
	 * @throws dev.baton.sample.web.ApiException {@code UNKNOWN_SALE}, {@code ALREADY_ORDERED},
	 * {@code SOLD_OUT}, or {@code STALE_WRITE} when the store refused the token
	 */
	Order buy(String sku, String userId, @Nullable Long fencingToken) {
		SaleStore.Levels levels = this.store.levels(sku).orElseThrow(() -> SaleExceptions.unknownSale(sku));
		if (this.store.hasOrdered(sku, userId)) {
			throw SaleExceptions.alreadyOrdered(sku);
		}
		if (levels.stock() <= 0) {
			throw SaleExceptions.soldOut(sku);
		}
		SimulatedWork.take(this.thinkTime);
		Order order = new Order(UUID.randomUUID().toString(), sku, userId, fencingToken);
		if (!this.store.write(order, levels.stock() - 1)) {
			throw SaleExceptions.staleWrite(sku, fencingToken);
		}
		return order;
	}

}
