package dev.baton.ai;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

import dev.baton.singleflight.FlightOptions;
import dev.baton.singleflight.SingleFlight;
import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;

/**
 * Identical requests in flight share one upstream call: the first caller starts it, later
 * callers with an equal key get the same result, and nothing is kept once the call ends, so a
 * later request calls again.
 * <p>
 * With a {@link SingleFlight} the sharing spans every instance on the same Redis (the result
 * is handed to the callers of that flight and stored nowhere: ttl and local ttl zero); without
 * one, this JVM's callers share through a map.
 */
final class InFlightRequests {

	@Nullable
	private final SingleFlight singleFlight;

	private final FlightOptions<ChatCompletion> options;

	private final ConcurrentMap<String, Mono<ChatCompletion>> flights = new ConcurrentHashMap<>();

	/**
	 * @param singleFlight shares calls across instances, or {@code null} for this JVM only
	 * @param wait how long a caller waits for a call another one started
	 */
	InFlightRequests(@Nullable SingleFlight singleFlight, Duration wait) {
		this.singleFlight = singleFlight;
		this.options = FlightOptions.of(ChatCompletion.class)
			.named("baton-ai")
			.ttl(Duration.ZERO)
			.localTtl(Duration.ZERO)
			.errorTtl(Duration.ZERO)
			.waitTimeout(wait);
	}

	/** The result of the call for {@code key}, started by {@code call} unless one is in flight. */
	Mono<ChatCompletion> share(String key, Supplier<Mono<ChatCompletion>> call) {
		if (this.singleFlight != null) {
			return this.singleFlight.executeReactive(key, this.options, call);
		}
		return Mono.defer(() -> {
			@SuppressWarnings("unchecked")
			Mono<ChatCompletion>[] created = new Mono[1];
			return this.flights.computeIfAbsent(key, (k) -> {
				created[0] = call.get().doFinally((signal) -> this.flights.remove(k, created[0])).cache();
				return created[0];
			});
		});
	}

	int size() {
		return this.flights.size();
	}

}
