package dev.baton.lock;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

import dev.baton.redis.DeadlineTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps a registry's leases as long as they are held: the watchdog renews a watchdog lease a
 * third of the way through it, and a fixed lease ends the local hold when it runs out, as it
 * does for every other instance. Both are tied to the lease ({@link Lease#watch}), and stop
 * with it.
 */
final class LeaseWatch {

	private static final Logger logger = LoggerFactory.getLogger(LeaseWatch.class);

	private final AbstractLockRegistry registry;

	private final LongAdder renewals = new LongAdder();

	LeaseWatch(AbstractLockRegistry registry) {
		this.registry = registry;
	}

	long renewals() {
		return this.renewals.sum();
	}

	/** Renews {@code lease} every third of it until it is unwatched; a lease the store lost is lost. */
	void renew(String key, Lease lease) {
		// Not Duration.dividedBy: it divides through BigDecimal, a measurable cost on every lock.
		Duration period = Duration.ofNanos(lease.renewalLease.toNanos() / 3);
		Duration storeTimeout = this.registry.options().storeTimeout();
		Duration timeout = (period.compareTo(storeTimeout) <= 0) ? period : storeTimeout;
		LockStore store = this.registry.store();
		lease.watch(DeadlineTimer.every(period, () -> {
			long start = System.nanoTime();
			return DeadlineTimer.within(store.renew(key, lease.storeOwner, lease.renewalLease), timeout)
				.doOnNext((renewed) -> renewed(key, lease, renewed, start))
				.onErrorResume((ex) -> {
					failed(key, lease, ex);
					return Mono.empty();
				});
		}));
	}

	/**
	 * Ends the local hold on a fixed lease when it runs out: the next local waiter becomes the
	 * owner then, not when the holder releases (maybe never). The wheel's thread only hands the
	 * work on: granting may run a waiter's continuation.
	 */
	void endAtExpiry(KeyState state, Lease lease) {
		Duration left = Duration.ofNanos(Math.max(lease.validUntilNanos() - System.nanoTime(), 0));
		lease.watch(DeadlineTimer.after(left,
				() -> Schedulers.parallel().schedule(() -> this.registry.lose(state, null, lease))));
	}

	private void renewed(String key, Lease lease, boolean renewed, long start) {
		if (renewed) {
			lease.renewed(start);
			this.renewals.increment();
			return;
		}
		this.registry.lost(key, lease);
	}

	private void failed(String key, Lease lease, Throwable ex) {
		if (lease.isValid()) {
			logger.debug("Renewal of a lock failed; will retry while the lease lasts", ex);
			return;
		}
		logger.warn("Lock lease lost: renewals failed until the lease ran out ({})", ex.getMessage());
		this.registry.lost(key, lease);
	}

}
