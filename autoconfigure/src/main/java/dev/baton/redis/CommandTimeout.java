package dev.baton.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import reactor.core.publisher.Mono;

/**
 * Bounds a Redis round trip (or a local wait) by a time, cheaply. Reactor's {@code timeout(Duration)} schedules
 * a task on the parallel scheduler per call and wakes one of its threads, which on a small
 * machine costs about as much as the round trip it guards (measured: 20–30 µs per lock and
 * unlock). A hashed wheel (Netty's, which Lettuce already brings) only queues the deadline;
 * its one thread ticks every 10 ms, so a deadline fires up to a tick late.
 */
public final class CommandTimeout {

	private static final HashedWheelTimer WHEEL = new HashedWheelTimer((task) -> {
		Thread thread = new Thread(task, "baton-timeouts");
		thread.setDaemon(true);
		return thread;
	}, 10, TimeUnit.MILLISECONDS);

	static {
		// Started here, on whatever thread loads the class, never lazily on an event loop:
		// starting waits for the wheel's thread.
		WHEEL.start();
	}

	private CommandTimeout() {
	}

	/**
	 * {@code source}, failing with a {@link java.util.concurrent.TimeoutException} if it has not
	 * answered within {@code timeout}. Cancelling it cancels the deadline.
	 */
	public static <T> Mono<T> within(Mono<T> source, Duration timeout) {
		return source.timeout(Mono.create((sink) -> {
			Timeout deadline = WHEEL.newTimeout((expired) -> sink.success(0L), timeout.toNanos(), TimeUnit.NANOSECONDS);
			sink.onCancel(deadline::cancel);
		}));
	}

}
