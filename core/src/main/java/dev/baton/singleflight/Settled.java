package dev.baton.singleflight;

import java.time.Duration;

import dev.baton.singleflight.SingleFlightObserver.Outcome;

import org.springframework.lang.Nullable;

/**
 * How a flight ended for one caller: its value or its error, how it got there, and how long
 * this JVM may keep it.
 * @param waited whether the caller waited for a result someone else computed
 * @param localLifetime how long the outcome may stay in this JVM's cache (zero: not at all)
 */
record Settled(@Nullable Object value, @Nullable Throwable error, Outcome outcome, boolean waited,
		Duration localLifetime) {

	static Settled value(@Nullable Object value, Outcome outcome, boolean waited, Duration localLifetime) {
		return new Settled(value, null, outcome, waited, localLifetime);
	}

	static Settled failure(Throwable error, boolean waited, Duration localLifetime) {
		Outcome outcome = (error instanceof SingleFlightTimeoutException) ? Outcome.TIMEOUT : Outcome.ERROR;
		return new Settled(null, error, outcome, waited, localLifetime);
	}

	/** The same outcome, as seen by a caller that joined this JVM's running flight. */
	Settled coalesced() {
		Outcome shared = (this.error != null || this.outcome == Outcome.DEGRADED) ? this.outcome : Outcome.COALESCED;
		return new Settled(this.value, this.error, shared, true, Duration.ZERO);
	}

}
