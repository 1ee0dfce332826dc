package dev.baton.singleflight;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the wait for an unreachable Redis once per outage: after a failure, Redis is not asked
 * until the retry interval has passed; then one call (the probe) asks it again, and its answer
 * closes the breaker or opens it for another interval.
 */
final class StoreBreaker {

	private static final Logger logger = LoggerFactory.getLogger(StoreBreaker.class);

	private static final long CLOSED = Long.MIN_VALUE;

	private final long retryNanos;

	/** {@link #CLOSED}, or the {@link System#nanoTime()} from which the next probe may ask Redis. */
	private final AtomicLong retryAt = new AtomicLong(CLOSED);

	StoreBreaker(Duration retryInterval) {
		this.retryNanos = retryInterval.toNanos();
	}

	/** Whether this call may ask Redis: the breaker is closed, or this call is the interval's one probe. */
	boolean allows() {
		long at = this.retryAt.get();
		if (at == CLOSED) {
			return true;
		}
		long now = System.nanoTime();
		return now - at >= 0 && this.retryAt.compareAndSet(at, now + this.retryNanos);
	}

	void failed(Throwable error) {
		long previous = this.retryAt.getAndSet(System.nanoTime() + this.retryNanos);
		if (previous == CLOSED) {
			logger.warn("Single-flight: Redis failed ({}); calls skip it for {} ms, then one call tries again",
					error.toString(), Duration.ofNanos(this.retryNanos).toMillis());
		}
	}

	void succeeded() {
		if (this.retryAt.get() != CLOSED && this.retryAt.getAndSet(CLOSED) != CLOSED) {
			logger.info("Single-flight: Redis answers again");
		}
	}

}
