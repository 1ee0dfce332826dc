package dev.baton.sample;

import java.time.Duration;

/** Time the demo spends on purpose, standing in for a database or a payment check. */
public final class SimulatedWork {

	private SimulatedWork() {
	}

	/** Blocks the calling thread for {@code duration} (nothing for zero). */
	public static void take(Duration duration) {
		if (duration.isZero() || duration.isNegative()) {
			return;
		}
		try {
			Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted during simulated work", ex);
		}
	}

}
