package dev.baton.autoconfigure;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import dev.baton.WaitObserver;
import dev.baton.WaitObserver.Outcome;
import dev.baton.WaitRecorder;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Waits and holds of a permit as {@link FunctionTimer}s over {@link LongAdder}s, tagged with the
 * permit's name (and the outcome for waits), never the key: unbounded cardinality. The meters of
 * a name are registered once, when its {@link #recorder} is asked for (or at the first wait with
 * a new outcome); recording is then one or two striped additions, with no lookup, no allocation
 * and no max or histogram bookkeeping. A permit that was free at once adds to the count only.
 * Holds are timed for one in {@code holdSample} of them, at random: the hold timer is that
 * sample (its mean is the mean hold), the exact number of holds is the wait timer's
 * {@code acquired} count.
 */
class WaitMeters implements WaitObserver {

	private final MeterRegistry registry;

	private final String waitMeter;

	private final String heldMeter;

	private final String what;

	private final int holdSampleMask;

	private final Map<String, Recorder> recorders = new ConcurrentHashMap<>();

	/**
	 * @param what names the permit in the meters' descriptions, e.g. {@code "a keyed mutex"}
	 * @param holdSample time one hold in this many (a power of two; {@code 1} times every hold)
	 */
	WaitMeters(MeterRegistry registry, String waitMeter, String heldMeter, String what, int holdSample) {
		if (Integer.bitCount(holdSample) != 1) {
			throw new IllegalArgumentException("holdSample must be a power of two, got " + holdSample);
		}
		this.registry = registry;
		this.waitMeter = waitMeter;
		this.heldMeter = heldMeter;
		this.what = what;
		this.holdSampleMask = holdSample - 1;
	}

	@Override
	public WaitRecorder recorder(String name) {
		return this.recorders.computeIfAbsent(name, Recorder::new);
	}

	/** Records through {@link #recorder}: for callers that have only the name; looks the name up per call. */
	@Override
	public void waited(String name, Outcome outcome, long nanos) {
		recorder(name).waited(outcome, nanos);
	}

	@Override
	public void held(String name, long nanos) {
		recorder(name).held(nanos);
	}

	/** Count and total time of one meter, summed over threads by striped adders. */
	private static final class Sums {

		final LongAdder count = new LongAdder();

		final LongAdder nanos = new LongAdder();

		/** Whether its meter is registered; written once under the recorder's lock. */
		volatile boolean bound;

		void add(long nanos) {
			this.count.increment();
			if (nanos != 0L) {
				this.nanos.add(nanos);
			}
		}

		long count() {
			return this.count.sum();
		}

		double nanos() {
			return this.nanos.sum();
		}

	}

	private final class Recorder implements WaitRecorder {

		private final String name;

		private final Sums[] waits = new Sums[Outcome.values().length];

		private final Sums acquired;

		private final Sums held = new Sums();

		Recorder(String name) {
			this.name = name;
			for (int i = 0; i < this.waits.length; i++) {
				this.waits[i] = new Sums();
			}
			this.acquired = this.waits[Outcome.ACQUIRED.ordinal()];
			bind(Outcome.ACQUIRED);
			FunctionTimer.builder(WaitMeters.this.heldMeter, this.held, Sums::count, Sums::nanos, TimeUnit.NANOSECONDS)
				.description("Time " + WaitMeters.this.what + " was held (a random sample of holds)")
				.tags("name", name)
				.register(WaitMeters.this.registry);
		}

		@Override
		public void waited(Outcome outcome, long nanos) {
			if (outcome == Outcome.ACQUIRED) {
				this.acquired.add(nanos);
				return;
			}
			Sums sums = this.waits[outcome.ordinal()];
			sums.add(nanos);
			if (!sums.bound) {
				bind(outcome);
			}
		}

		@Override
		public boolean timeHold() {
			int mask = WaitMeters.this.holdSampleMask;
			return mask == 0 || (ThreadLocalRandom.current().nextInt() & mask) == 0;
		}

		@Override
		public void held(long nanos) {
			this.held.add(nanos);
		}

		private synchronized void bind(Outcome outcome) {
			Sums sums = this.waits[outcome.ordinal()];
			if (!sums.bound) {
				FunctionTimer.builder(WaitMeters.this.waitMeter, sums, Sums::count, Sums::nanos, TimeUnit.NANOSECONDS)
					.description("Time spent waiting for " + WaitMeters.this.what)
					.tags("name", this.name, "outcome", outcome.name().toLowerCase(Locale.ROOT))
					.register(WaitMeters.this.registry);
				sums.bound = true;
			}
		}

	}

}
