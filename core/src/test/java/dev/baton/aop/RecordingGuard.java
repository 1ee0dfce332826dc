package dev.baton.aop;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.BatonException;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A guard that records what {@link GuardedInvocation} does with it: permits handed out and
 * given back, waits given up. Its asynchronous permits wait for a gate the test opens.
 */
final class RecordingGuard implements Guard {

	final AtomicInteger held = new AtomicInteger();

	final AtomicInteger released = new AtomicInteger();

	final AtomicBoolean waitCancelled = new AtomicBoolean();

	private final Sinks.Empty<Void> gate = Sinks.empty();

	private volatile boolean gated;

	private volatile BatonException failure;

	RecordingGuard gated() {
		this.gated = true;
		return this;
	}

	RecordingGuard failing(String message) {
		this.failure = new BatonException(message);
		return this;
	}

	void open() {
		this.gate.tryEmitEmpty().orThrow();
	}

	@Override
	public Permit acquire() {
		if (this.failure != null) {
			throw this.failure;
		}
		return grant();
	}

	@Override
	public Mono<Permit> acquireAsync() {
		Mono<Void> wait = this.gated ? this.gate.asMono() : Mono.empty();
		return wait.then(Mono.defer(() -> (this.failure != null) ? Mono.error(this.failure) : Mono.fromSupplier(this::grant)))
			.doOnCancel(() -> this.waitCancelled.set(true));
	}

	private Permit grant() {
		this.held.incrementAndGet();
		AtomicBoolean closed = new AtomicBoolean();
		return () -> {
			if (closed.compareAndSet(false, true)) {
				this.held.decrementAndGet();
				this.released.incrementAndGet();
			}
		};
	}

}
