package dev.baton.lock;

import java.time.Duration;

import dev.baton.InvalidSettingException;

/**
 * How a registry holds its locks.
 * @param leaseTime the lease of a hold taken without an explicit one; the watchdog renews it
 * every third of it while the hold lasts
 * @param handoffBudget how many times in a row a held lease may pass straight to the next
 * waiter in the same JVM before it goes back to the store, so waiters elsewhere get their turn
 * @param throwOnLost whether releasing a lost hold throws {@link LockLostException} ({@code true})
 * or logs and counts it
 * @param storeTimeout how long one store operation may take before the store counts as
 * unreachable ({@link LockUnavailableException}); renewals are also bounded by their period
 */
public record LockOptions(Duration leaseTime, int handoffBudget, boolean throwOnLost, Duration storeTimeout) {

	/** 30 s lease, 64 local hand-offs, throw on a lost hold, 5 s store timeout. */
	public static final LockOptions DEFAULTS = new LockOptions(Duration.ofSeconds(30), 64, true);

	/** Options with the default store timeout. */
	public LockOptions(Duration leaseTime, int handoffBudget, boolean throwOnLost) {
		this(leaseTime, handoffBudget, throwOnLost, Duration.ofSeconds(5));
	}

	public LockOptions {
		if (leaseTime == null || leaseTime.toMillis() < 3) {
			throw new InvalidSettingException("lock", "leaseTime", "must be at least 3 ms, got " + leaseTime);
		}
		if (handoffBudget < 0) {
			throw new InvalidSettingException("lock", "handoffBudget", "must be >= 0, got " + handoffBudget);
		}
		if (storeTimeout == null || storeTimeout.isNegative() || storeTimeout.isZero()) {
			throw new InvalidSettingException("lock", "storeTimeout", "must be positive, got " + storeTimeout);
		}
	}

}
