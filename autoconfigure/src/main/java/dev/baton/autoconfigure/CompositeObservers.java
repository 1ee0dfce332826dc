package dev.baton.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

import dev.baton.Observed;
import dev.baton.WaitObserver.Outcome;
import dev.baton.WaitRecorder;
import dev.baton.ai.AiGatewayMetrics;
import dev.baton.ai.TokenUsage;
import dev.baton.lock.LockObserver;
import dev.baton.singleflight.SingleFlightObserver;

import org.springframework.lang.Nullable;

/**
 * Several observers of a feature (its meters, its observations, the application's own) as one.
 * One observer is used as it is, none is the feature's {@code NONE}: the common cases cost no
 * indirection.
 */
final class CompositeObservers {

	private CompositeObservers() {
	}

	static LockObserver locks(List<LockObserver> observers) {
		if (observers.isEmpty()) {
			return LockObserver.NONE;
		}
		if (observers.size() == 1) {
			return observers.get(0);
		}
		return new LockObserver() {

			@Override
			public WaitRecorder recorder(String name) {
				return new Recorders(observers.stream().map((observer) -> observer.recorder(name)).toList());
			}

		};
	}

	static SingleFlightObserver flights(List<SingleFlightObserver> observers) {
		if (observers.isEmpty()) {
			return SingleFlightObserver.NONE;
		}
		if (observers.size() == 1) {
			return observers.get(0);
		}
		return new SingleFlightObserver() {

			@Override
			public Observed started(String name, String key) {
				List<Observed> started = new ArrayList<>(observers.size());
				observers.forEach((observer) -> started.add(observer.started(name, key)));
				return all(started);
			}

			@Override
			public void called(String name, Outcome outcome, long waitedNanos) {
				observers.forEach((observer) -> observer.called(name, outcome, waitedNanos));
			}

			@Override
			public void executed(String name) {
				observers.forEach((observer) -> observer.executed(name));
			}

			@Override
			public void unreadable(String name) {
				observers.forEach((observer) -> observer.unreadable(name));
			}

		};
	}

	static AiGatewayMetrics ai(List<AiGatewayMetrics> all) {
		if (all.isEmpty()) {
			return AiGatewayMetrics.NONE;
		}
		if (all.size() == 1) {
			return all.get(0);
		}
		return new AiGatewayMetrics() {

			@Override
			public Observed requestStarted(String model, String operation) {
				List<Observed> started = new ArrayList<>(all.size());
				all.forEach((metrics) -> started.add(metrics.requestStarted(model, operation)));
				return CompositeObservers.all(started);
			}

			@Override
			public void requestCompleted(String model, String outcome, Duration duration) {
				all.forEach((metrics) -> metrics.requestCompleted(model, outcome, duration));
			}

			@Override
			public void retried(String model) {
				all.forEach((metrics) -> metrics.retried(model));
			}

			@Override
			public void rateLimited(String model) {
				all.forEach((metrics) -> metrics.rateLimited(model));
			}

			@Override
			public void tokens(String model, TokenUsage usage) {
				all.forEach((metrics) -> metrics.tokens(model, usage));
			}

			@Override
			public void clusterFallback() {
				all.forEach(AiGatewayMetrics::clusterFallback);
			}

			@Override
			public void batchResult(String outcome) {
				all.forEach((metrics) -> metrics.batchResult(outcome));
			}

			@Override
			public void bindGauges(IntSupplier inFlight, IntSupplier batchPending) {
				all.forEach((metrics) -> metrics.bindGauges(inFlight, batchPending));
			}

		};
	}

	/** The observed work of several observers as one; those that observe nothing are left out. */
	static Observed all(List<Observed> observed) {
		List<Observed> real = observed.stream().filter((each) -> each != Observed.NONE).toList();
		if (real.size() <= 1) {
			return real.isEmpty() ? Observed.NONE : real.get(0);
		}
		return new Observed() {

			@Override
			public Observed detail(String key, String value) {
				real.forEach((each) -> each.detail(key, value));
				return this;
			}

			@Override
			public void end(@Nullable String outcome, @Nullable Throwable error) {
				real.forEach((each) -> each.end(outcome, error));
			}

		};
	}

	/** A name's recorders as one: a hold is timed when any of them asks, and then reported to all. */
	private record Recorders(List<WaitRecorder> recorders) implements WaitRecorder {

		@Override
		public void waited(Outcome outcome, long nanos) {
			this.recorders.forEach((recorder) -> recorder.waited(outcome, nanos));
		}

		@Override
		public boolean timeHold() {
			boolean any = false;
			for (WaitRecorder recorder : this.recorders) {
				any |= recorder.timeHold();
			}
			return any;
		}

		@Override
		public void held(long nanos) {
			this.recorders.forEach((recorder) -> recorder.held(nanos));
		}

		@Override
		public Observed startWait(String keys) {
			return all(this.recorders.stream().map((recorder) -> recorder.startWait(keys)).toList());
		}

		@Override
		public Observed startHold(String keys) {
			return all(this.recorders.stream().map((recorder) -> recorder.startHold(keys)).toList());
		}

	}

}
