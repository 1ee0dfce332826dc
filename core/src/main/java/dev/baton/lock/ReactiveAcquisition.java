package dev.baton.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.baton.redis.DeadlineTimer;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

import org.springframework.lang.Nullable;

/**
 * Drives an {@link Acquisition} for a subscriber, never blocking: each wait is a callback on
 * the awaited future, raced by a timer when the wait has a limit. The acquisition is stepped by
 * one thread at a time through a drain loop, and no monitor is held meanwhile: a step may grant
 * another waiter its turn, or tell this subscriber, and both may run user code. The subscriber
 * hears on the thread that ended the last wait (a Redis reply on its event loop, a release
 * notice), or on a parallel worker when a timer ended it (the timer's thread only hands work
 * on). Cancelling abandons the acquisition, and releases a hold the subscriber never got.
 */
final class ReactiveAcquisition {

	private final Acquisition acquisition;

	private final MonoSink<Acquisition> sink;

	/** Signals not yet drained; the thread that raises it from 0 drains. */
	private final AtomicInteger work = new AtomicInteger();

	/** How the current wait ended ({@code true}: its future completed), until drained. */
	@Nullable
	@GuardedBy("volatile; set once per wait (by whichever of its future and timer ends it first), taken by the drain")
	private volatile Boolean ended;

	@GuardedBy("volatile; set by the subscription's cancel, read by the drain")
	private volatile boolean cancelled;

	/** Whether the subscriber was told: held, or failed. */
	@GuardedBy("the drain")
	private boolean told;

	/** Whether the cancel was carried out. */
	@GuardedBy("the drain")
	private boolean abandoned;

	/** The wait on now, until it ends; {@code null} before the first and while stepping. */
	@Nullable
	@GuardedBy("the drain")
	private Wait waiting;

	/** Whether the acquisition was stepped from its start. */
	@GuardedBy("the drain")
	private boolean started;

	private ReactiveAcquisition(Acquisition acquisition, MonoSink<Acquisition> sink) {
		this.acquisition = acquisition;
		this.sink = sink;
	}

	/** A Mono that starts an acquisition on subscription and emits it once it holds. */
	static Mono<Acquisition> drive(Supplier<Acquisition> start) {
		return Mono.create((sink) -> {
			ReactiveAcquisition driver = new ReactiveAcquisition(start.get(), sink);
			sink.onCancel(driver::cancel);
			driver.drain();
		});
	}

	private void cancel() {
		this.cancelled = true;
		drain();
	}

	/** Runs the pending work, unless another thread runs it now (then that thread runs it too). */
	private void drain() {
		if (this.work.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			if (this.cancelled) {
				abandon();
			}
			else if (!this.told) {
				Boolean last = this.ended;
				if (last != null) {
					this.ended = null;
					this.waiting = null;
					step(last);
				}
				else if (!this.started) {
					this.started = true;
					step(null);
				}
			}
			missed = this.work.addAndGet(-missed);
		}
		while (missed != 0);
	}

	/**
	 * The subscriber cancelled: Reactor cancels only a sink that has not delivered, so the
	 * acquisition is abandoned, or, if it holds meanwhile, its hold released.
	 */
	private void abandon() {
		if (this.abandoned) {
			return;
		}
		this.abandoned = true;
		Wait current = this.waiting;
		if (current != null) {
			current.stop();
		}
		this.acquisition.abandon();
	}

	/**
	 * Advances the acquisition past the wait that ended ({@code null}: from its start), until it
	 * holds, fails or must wait again.
	 */
	private void step(@Nullable Boolean last) {
		Boolean ended = last;
		try {
			while (true) {
				if (ended != null) {
					this.acquisition.advance(ended);
				}
				if (this.acquisition.isHeld()) {
					this.told = true;
					this.sink.success(this.acquisition);
					return;
				}
				CompletableFuture<?> awaited = this.acquisition.awaited();
				long nanos = this.acquisition.waitNanos();
				if (awaited.isDone()) {
					ended = Boolean.TRUE;
				}
				else if (nanos == 0) {
					ended = Boolean.FALSE;
				}
				else {
					this.waiting = new Wait(awaited, nanos);
					return;
				}
			}
		}
		catch (RuntimeException ex) {
			this.told = true;
			this.sink.error(ex);
		}
	}

	/**
	 * One wait: for {@code awaited}, for {@code nanos} at most; its future or its timer ends it,
	 * once, and the drain takes it from there.
	 */
	private final class Wait {

		private final AtomicBoolean over = new AtomicBoolean();

		@Nullable
		private final Disposable timer;

		Wait(CompletableFuture<?> awaited, long nanos) {
			this.timer = (nanos != Acquisition.NO_LIMIT) ? DeadlineTimer.after(Duration.ofNanos(nanos),
					() -> Schedulers.parallel().schedule(() -> end(false))) : null;
			awaited.whenComplete((result, failure) -> {
				if (DeadlineTimer.isTimerThread()) {
					// A store deadline completed it: the wheel's thread runs no user code.
					Schedulers.parallel().schedule(() -> end(true));
				}
				else {
					end(true);
				}
			});
		}

		void end(boolean completed) {
			if (this.over.compareAndSet(false, true)) {
				stopTimer();
				ReactiveAcquisition.this.ended = completed;
				drain();
			}
		}

		/** Ends the wait without telling the drain: the acquisition was abandoned. */
		void stop() {
			if (this.over.compareAndSet(false, true)) {
				stopTimer();
			}
		}

		private void stopTimer() {
			if (this.timer != null) {
				this.timer.dispose();
			}
		}

	}

}
