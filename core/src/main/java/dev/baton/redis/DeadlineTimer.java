package dev.baton.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Deadlines and periodic work of Baton's hot paths, on one hashed wheel (Netty's, which Lettuce
 * already brings). Reactor's {@code timeout(Duration)} and {@code Flux.interval} schedule on the
 * parallel scheduler and wake one of its threads per call, which on a small machine costs about
 * as much as the round trip it guards (measured: 20–30 µs per lock and unlock for each). The
 * wheel only queues the deadline; its one thread ticks every 10 ms, so a deadline fires up to a
 * tick late.
 */
public final class DeadlineTimer {

	private static volatile Thread wheelThread;

	private static final HashedWheelTimer WHEEL = new HashedWheelTimer((task) -> {
		Thread thread = new Thread(task, "baton-timer");
		thread.setDaemon(true);
		wheelThread = thread;
		return thread;
	}, 10, TimeUnit.MILLISECONDS);

	static {
		// Started here, on whatever thread loads the class, never lazily on an event loop:
		// starting waits for the wheel's thread.
		WHEEL.start();
	}

	private DeadlineTimer() {
	}

	/**
	 * {@code source}, failing with a {@link java.util.concurrent.TimeoutException} if it has not
	 * answered within {@code timeout}. Cancelling it cancels the deadline.
	 */
	public static <T> Mono<T> within(Mono<T> source, Duration timeout) {
		Mono<Long> deadline = Mono.create((sink) -> {
			Timeout expiry = WHEEL.newTimeout((fired) -> sink.success(0L), timeout.toNanos(), TimeUnit.NANOSECONDS);
			sink.onCancel(expiry::cancel);
		});
		// With a fallback, not timeout(deadline) alone: that variant names its source for the
		// error message on every subscription, walking the operator chain reflectively.
		return source.timeout(deadline, Mono.error(() -> expired(timeout)));
	}

	/**
	 * Fails {@code future} with a {@link java.util.concurrent.TimeoutException} if it has not
	 * completed within {@code timeout}: the cheapest deadline, for a call that already is a
	 * future (a Lettuce command), with nothing to subscribe or cancel besides the timer.
	 * @return the same future
	 */
	public static <T> CompletableFuture<T> expire(CompletableFuture<T> future, Duration timeout) {
		Timeout expiry = WHEEL.newTimeout((fired) -> future.completeExceptionally(expired(timeout)),
				timeout.toNanos(), TimeUnit.NANOSECONDS);
		future.whenComplete((result, error) -> expiry.cancel());
		return future;
	}

	/**
	 * Whether the caller runs on the wheel's one thread: what a deadline completes there must not
	 * run a user's continuation on it, or every other deadline waits for that code.
	 */
	public static boolean isTimerThread() {
		return Thread.currentThread() == wheelThread;
	}

	private static TimeoutException expired(Duration timeout) {
		return new TimeoutException("No answer within " + timeout.toMillis() + " ms");
	}

	/**
	 * Runs {@code task} once after {@code delay}, on the wheel's one thread, unless the returned
	 * handle is disposed first: the task must be short and must not run user code (hand it on).
	 */
	public static Disposable after(Duration delay, Runnable task) {
		Timeout expiry = WHEEL.newTimeout((fired) -> task.run(), delay.toNanos(), TimeUnit.NANOSECONDS);
		return new Disposable() {

			@Override
			public void dispose() {
				expiry.cancel();
			}

			@Override
			public boolean isDisposed() {
				return expiry.isCancelled() || expiry.isExpired();
			}

		};
	}

	/**
	 * Subscribes to {@code task} every {@code period}, each run starting a period after the
	 * previous one ended (runs never overlap), until the returned handle is disposed. The task
	 * handles its own errors; one that escapes ends nothing but that run.
	 */
	public static Disposable every(Duration period, Supplier<Mono<?>> task) {
		Periodic periodic = new Periodic(period.toNanos(), task);
		periodic.arm();
		return periodic;
	}

	private static final class Periodic implements Disposable {

		private final long periodNanos;

		private final Supplier<Mono<?>> task;

		private volatile boolean disposed;

		private volatile Timeout next;

		private volatile Disposable running;

		Periodic(long periodNanos, Supplier<Mono<?>> task) {
			this.periodNanos = periodNanos;
			this.task = task;
		}

		void arm() {
			if (!this.disposed) {
				this.next = WHEEL.newTimeout((fired) -> run(), this.periodNanos, TimeUnit.NANOSECONDS);
			}
		}

		private void run() {
			if (!this.disposed) {
				this.running = this.task.get().subscribe(null, (ex) -> arm(), this::arm);
			}
		}

		@Override
		public void dispose() {
			this.disposed = true;
			Timeout pending = this.next;
			if (pending != null) {
				pending.cancel();
			}
			Disposable current = this.running;
			if (current != null) {
				current.dispose();
			}
		}

		@Override
		public boolean isDisposed() {
			return this.disposed;
		}

	}

}
