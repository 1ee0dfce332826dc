package dev.baton.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.baton.redis.DeadlineTimer;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

import org.springframework.lang.Nullable;

/**
 * Drives an {@link Acquisition} for a subscriber, never blocking: each wait is a callback on
 * the awaited future, raced by a timer when the wait has a limit. The subscriber hears on the
 * thread that completed the last wait (a Redis reply on its event loop, a release notice), or
 * on a parallel worker when a timer ended it (the timer's thread only hands work on).
 * Cancelling abandons the acquisition.
 */
final class ReactiveAcquisition {

	private final Acquisition acquisition;

	private final MonoSink<Acquisition> sink;

	/** Which wait a callback belongs to: bumped when a wait ends, so a late callback is ignored. */
	@GuardedBy("this")
	private int wait;

	@GuardedBy("this")
	private boolean cancelled;

	/** The timer racing the current wait, if it has a limit. */
	@Nullable
	@GuardedBy("this")
	private Disposable timer;

	/** Set while a wait is being armed: a callback run at once by the arming thread only records its result. */
	@GuardedBy("this")
	private boolean arming;

	@Nullable
	@GuardedBy("this")
	private Boolean endedWhileArming;

	private ReactiveAcquisition(Acquisition acquisition, MonoSink<Acquisition> sink) {
		this.acquisition = acquisition;
		this.sink = sink;
	}

	/** A Mono that starts an acquisition on subscription and emits it once it holds. */
	static Mono<Acquisition> drive(Supplier<Acquisition> start) {
		return Mono.create((sink) -> {
			ReactiveAcquisition driver = new ReactiveAcquisition(start.get(), sink);
			sink.onCancel(driver::cancel);
			driver.proceed(null);
		});
	}

	/**
	 * Advances the acquisition past the wait that ended ({@code completed}: the future did, else
	 * the timer) or, for {@code null}, from its start, until it holds, fails or must wait again.
	 */
	private void proceed(@Nullable Boolean completed) {
		RuntimeException failure = null;
		synchronized (this) {
			if (this.cancelled) {
				return;
			}
			try {
				Boolean ended = completed;
				while (true) {
					if (ended != null) {
						this.acquisition.advance(ended);
					}
					if (this.acquisition.isHeld()) {
						break;
					}
					CompletableFuture<?> awaited = this.acquisition.awaited();
					long nanos = this.acquisition.waitNanos();
					ended = awaited.isDone() ? Boolean.TRUE : (nanos == 0) ? Boolean.FALSE : arm(awaited, nanos);
					if (ended == null) {
						return;
					}
				}
			}
			catch (RuntimeException ex) {
				failure = ex;
			}
		}
		if (failure != null) {
			this.sink.error(failure);
		}
		else {
			this.sink.success(this.acquisition);
		}
	}

	/**
	 * Waits for {@code awaited}, for {@code nanos} at most.
	 * @return {@code null} once waiting; how the wait ended when it ended while being armed
	 */
	@Nullable
	private Boolean arm(CompletableFuture<?> awaited, long nanos) {
		int current = ++this.wait;
		this.arming = true;
		this.endedWhileArming = null;
		try {
			if (nanos != Acquisition.NO_LIMIT) {
				this.timer = DeadlineTimer.after(Duration.ofNanos(nanos),
						() -> Schedulers.parallel().schedule(() -> ended(current, false)));
			}
			awaited.whenComplete((result, failure) -> ended(current, true));
		}
		finally {
			this.arming = false;
		}
		return this.endedWhileArming;
	}

	private void ended(int which, boolean completed) {
		synchronized (this) {
			if (which != this.wait || this.cancelled) {
				return;
			}
			this.wait++;
			if (this.timer != null) {
				this.timer.dispose();
				this.timer = null;
			}
			if (this.arming) {
				this.endedWhileArming = completed;
				return;
			}
		}
		proceed(completed);
	}

	private void cancel() {
		synchronized (this) {
			if (this.cancelled) {
				return;
			}
			this.cancelled = true;
			this.wait++;
			if (this.timer != null) {
				this.timer.dispose();
				this.timer = null;
			}
			this.acquisition.abandon();
		}
	}

}
