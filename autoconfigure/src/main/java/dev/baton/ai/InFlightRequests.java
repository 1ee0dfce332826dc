package dev.baton.ai;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

/**
 * Identical requests in flight share one upstream call: the first caller starts it, later
 * callers with an equal key subscribe to the same result, and the entry is gone once the
 * call ends, so a later request calls again.
 * <p>
 * This is the seam to Baton's {@code SingleFlight} (package {@code dev.baton.singleflight}):
 * until it is available, this in-JVM map does the job; the client only sees {@link #share}.
 */
final class InFlightRequests {

	private final ConcurrentMap<Object, Mono<?>> flights = new ConcurrentHashMap<>();

	/** The result of the call for {@code key}, started by {@code call} unless one is in flight. */
	@SuppressWarnings("unchecked")
	<T> Mono<T> share(Object key, Supplier<Mono<T>> call) {
		return Mono.defer(() -> {
			Mono<?>[] created = new Mono<?>[1];
			return (Mono<T>) this.flights.computeIfAbsent(key, (k) -> {
				created[0] = call.get().doFinally((signal) -> this.flights.remove(k, created[0])).cache();
				return created[0];
			});
		});
	}

	int size() {
		return this.flights.size();
	}

}
