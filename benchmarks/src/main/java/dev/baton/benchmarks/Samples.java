package dev.baton.benchmarks;

import java.util.Arrays;

/** Latency samples in nanoseconds: append, then read percentiles. Not thread-safe: one per thread. */
final class Samples {

	private long[] values = new long[1024];

	private int size;

	void add(long nanos) {
		if (this.size == this.values.length) {
			this.values = Arrays.copyOf(this.values, this.size * 2);
		}
		this.values[this.size++] = nanos;
	}

	int size() {
		return this.size;
	}

	static Samples merge(Iterable<Samples> all) {
		Samples merged = new Samples();
		for (Samples samples : all) {
			for (int i = 0; i < samples.size; i++) {
				merged.add(samples.values[i]);
			}
		}
		return merged;
	}

	/** The {@code p}-th percentile (0..100) in microseconds. */
	double percentileMicros(double p) {
		if (this.size == 0) {
			return Double.NaN;
		}
		long[] sorted = Arrays.copyOf(this.values, this.size);
		Arrays.sort(sorted);
		int index = (int) Math.min(this.size - 1, Math.max(0, Math.ceil(p / 100.0 * this.size) - 1));
		return sorted[index] / 1000.0;
	}

	double maxMicros() {
		return percentileMicros(100);
	}

	/** Jain's fairness index of per-thread counts: 1 is perfectly even, 1/n is one thread taking all. */
	static double jain(long[] counts) {
		double sum = 0;
		double squares = 0;
		for (long count : counts) {
			sum += count;
			squares += (double) count * count;
		}
		return (squares == 0) ? 0 : sum * sum / (counts.length * squares);
	}

}
