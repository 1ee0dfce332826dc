package dev.baton.ai;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Holds at most the bulkhead's {@code maxConcurrentCalls} calls in flight and makes the
 * others wait in line, without blocking a thread, for at most the bulkhead's
 * {@code maxWaitDuration}.
 * <p>
 * resilience4j's semaphore bulkhead waits by blocking the calling thread (and its Reactor
 * operator fails fast instead), so this gate sets the instance's own wait to zero, keeps the
 * configured wait as its bound and queues waiters itself. The bulkhead still counts the
 * permits, so its metrics and events stay true.
 */
final class ConcurrencyGate {

	private static final int WAITING = 0;

	private static final int GRANTED = 1;

	private static final int GONE = 2;

	private final Bulkhead bulkhead;

	private final Duration maxWait;

	private final Queue<Waiter> waiters = new ConcurrentLinkedQueue<>();

	ConcurrencyGate(Bulkhead bulkhead) {
		this.bulkhead = bulkhead;
		BulkheadConfig config = bulkhead.getBulkheadConfig();
		this.maxWait = config.getMaxWaitDuration();
		if (!this.maxWait.isZero()) {
			bulkhead.changeConfig(BulkheadConfig.from(config).maxWaitDuration(Duration.ZERO).build());
		}
	}

	/** Runs the call once a permit is free and gives the permit back however it ends. */
	<T> Mono<T> run(Supplier<Mono<T>> call) {
		return Mono.usingWhen(acquire(), (permit) -> call.get(), Permit::release, (permit, error) -> permit.release(),
				Permit::release);
	}

	/** {@link #run} for a stream: the permit is held until the stream ends or is cancelled. */
	<T> Flux<T> runMany(Supplier<Flux<T>> call) {
		return Flux.usingWhen(acquire(), (permit) -> call.get(), Permit::release, (permit, error) -> permit.release(),
				Permit::release);
	}

	int inUse() {
		return this.bulkhead.getBulkheadConfig().getMaxConcurrentCalls()
				- this.bulkhead.getMetrics().getAvailableConcurrentCalls();
	}

	/** The slots in use, the limit and the calls waiting for one, as they are now. */
	AiBudgets.Calls calls() {
		return new AiBudgets.Calls(inUse(), this.bulkhead.getBulkheadConfig().getMaxConcurrentCalls(),
				this.waiters.size());
	}

	private Mono<Permit> acquire() {
		return Mono.<Permit>create((sink) -> {
			if (this.bulkhead.tryAcquirePermission()) {
				sink.success(new Permit());
				return;
			}
			Waiter waiter = new Waiter(sink);
			sink.onDispose(waiter::leave);
			this.waiters.add(waiter);
			drain();
		})
			.timeout(this.maxWait, Mono.error(() -> new TimeoutException("No free slot of bulkhead '"
					+ this.bulkhead.getName() + "' within " + this.maxWait + " (maxConcurrency)")))
			.doOnDiscard(Permit.class, Permit::release);
	}

	/**
	 * Hands free permits to waiters. Called after every enqueue and every release, so a
	 * waiter that arrives while a permit is being released is served by one of the two.
	 */
	private void drain() {
		while (!this.waiters.isEmpty() && this.bulkhead.tryAcquirePermission()) {
			Waiter waiter = this.waiters.poll();
			if (waiter == null || !waiter.grant()) {
				this.bulkhead.onComplete();
			}
		}
	}

	private final class Permit {

		private final AtomicBoolean released = new AtomicBoolean();

		Mono<Void> release() {
			if (this.released.compareAndSet(false, true)) {
				ConcurrencyGate.this.bulkhead.onComplete();
				drain();
			}
			return Mono.empty();
		}

	}

	private final class Waiter {

		private final AtomicInteger state = new AtomicInteger(WAITING);

		private final MonoSink<Permit> sink;

		Waiter(MonoSink<Permit> sink) {
			this.sink = sink;
		}

		boolean grant() {
			if (!this.state.compareAndSet(WAITING, GRANTED)) {
				return false;
			}
			// A sink cancelled after this point discards the permit, which releases it.
			this.sink.success(new Permit());
			return true;
		}

		void leave() {
			if (this.state.compareAndSet(WAITING, GONE)) {
				ConcurrencyGate.this.waiters.remove(this);
			}
		}

	}

}
