package dev.baton.singleflight;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts what a {@link SingleFlight} reports, for assertions. */
final class RecordingObserver implements SingleFlightObserver {

	private final Map<Outcome, AtomicInteger> calls = new ConcurrentHashMap<>();

	private final AtomicInteger executions = new AtomicInteger();

	private final AtomicInteger unreadable = new AtomicInteger();

	@Override
	public void called(String name, Outcome outcome, long waitedNanos) {
		this.calls.computeIfAbsent(outcome, (key) -> new AtomicInteger()).incrementAndGet();
	}

	@Override
	public void executed(String name) {
		this.executions.incrementAndGet();
	}

	@Override
	public void unreadable(String name) {
		this.unreadable.incrementAndGet();
	}

	int calls(Outcome outcome) {
		AtomicInteger count = this.calls.get(outcome);
		return (count != null) ? count.get() : 0;
	}

	int executions() {
		return this.executions.get();
	}

	int unreadable() {
		return this.unreadable.get();
	}

}
