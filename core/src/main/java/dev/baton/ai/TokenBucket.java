package dev.baton.ai;

import java.time.Duration;
import java.util.function.LongSupplier;

import dev.baton.InvalidSettingException;

/**
 * A token budget that grants reservations and takes corrections, as a generic cell rate
 * algorithm: the bucket holds {@code capacity} tokens and refills {@code capacity} per
 * {@code period}. A reservation is taken at once and tells how long to wait before using it,
 * so waiting callers are served in arrival order. The same arithmetic runs in Redis for the
 * cluster (see {@code ai-quota.lua}). resilience4j's RateLimiter cannot give permits back,
 * which settling a reservation against the real usage needs.
 */
final class TokenBucket {

	private final long capacity;

	private final double nanosPerToken;

	private final Duration period;

	private final LongSupplier nanoTime;

	/** The theoretical arrival time: when the bucket would be full again. */
	private double tat;

	TokenBucket(long capacity, Duration period, LongSupplier nanoTime) {
		if (capacity <= 0) {
			throw new InvalidSettingException("ai", "tokensPerPeriod", "must be positive, got " + capacity);
		}
		this.capacity = capacity;
		this.nanosPerToken = (double) period.toNanos() / capacity;
		this.period = period;
		this.nanoTime = nanoTime;
		this.tat = nanoTime.getAsLong();
	}

	/**
	 * Reserves {@code tokens} and returns the nanoseconds to wait before using them, or
	 * {@code -1} (and reserves nothing) when that wait would exceed {@code maxWaitNanos}. A
	 * reservation larger than the whole capacity waits for a full bucket.
	 */
	synchronized long reserve(long tokens, long maxWaitNanos) {
		double now = this.nanoTime.getAsLong();
		double base = Math.max(this.tat, now);
		double next = base + tokens * this.nanosPerToken;
		double burst = Math.max(this.capacity, tokens) * this.nanosPerToken;
		long wait = (long) Math.ceil(Math.max(0, next - now - burst));
		if (wait > maxWaitNanos) {
			return -1;
		}
		this.tat = next;
		return wait;
	}

	/**
	 * How many tokens a reservation could take now without waiting: the capacity less what is
	 * reserved ahead. Reserves nothing.
	 */
	synchronized long available() {
		double booked = Math.max(0, this.tat - this.nanoTime.getAsLong()) / this.nanosPerToken;
		return Math.max(0, this.capacity - (long) Math.ceil(booked));
	}

	/** The budget: {@code capacity} tokens per {@code period}. */
	AiBudgets.Budget budget() {
		return new AiBudgets.Budget(this.capacity, available(), this.period);
	}

	/** Gives tokens back ({@code delta < 0}) or takes more ({@code delta > 0}) without waiting. */
	synchronized void adjust(long delta) {
		double now = this.nanoTime.getAsLong();
		this.tat = Math.max(now, Math.max(this.tat, now) + delta * this.nanosPerToken);
	}

}
