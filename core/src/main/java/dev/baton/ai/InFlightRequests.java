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
 * later request calls again. The result travels with the digest of the request that made it:
 * a caller whose own request has another digest under the same key (an idempotency key reused
 * for a different request) gets an {@link IdempotencyKeyConflictException}, not that result.
 * <p>
 * With a {@link SingleFlight} the sharing spans every instance on the same Redis (the result
 * is handed to the callers of that flight and stored nowhere: ttl and local ttl zero); without
 * one, this JVM's callers share through a map.
 */
final class InFlightRequests {

	@Nullable
	private final SingleFlight singleFlight;

	private final FlightOptions<Answer> options;

	private final ConcurrentMap<String, Mono<Answer>> flights = new ConcurrentHashMap<>();

	/**
	 * @param singleFlight shares calls across instances, or {@code null} for this JVM only
	 * @param wait how long a caller waits for a call another one started, and how long a call may run
	 */
	InFlightRequests(@Nullable SingleFlight singleFlight, Duration wait) {
		this.singleFlight = singleFlight;
		this.options = FlightOptions.of(Answer.class)
			.named("baton-ai")
			.ttl(Duration.ZERO)
			.localTtl(Duration.ZERO)
			.errorTtl(Duration.ZERO)
			.waitTimeout(wait)
			.maxFlightTime(wait);
	}

	/**
	 * The result of the call for {@code key}, started by {@code call} unless one is in flight.
	 * @param digest the digest of the caller's request
	 * @param idempotencyKey the caller's key, named by a conflict, or {@code null} (deduplicated by digest)
	 */
	Mono<ChatCompletion> share(String key, String digest, @Nullable String idempotencyKey,
			Supplier<Mono<ChatCompletion>> call) {
		Supplier<Mono<Answer>> answer = () -> call.get().map((completion) -> new Answer(digest, completion));
		Mono<Answer> shared = (this.singleFlight != null)
				? this.singleFlight.executeReactive(key, this.options, answer) : shareLocally(key, answer);
		return shared.handle((result, sink) -> {
			if (!result.digest().equals(digest)) {
				sink.error(new IdempotencyKeyConflictException((idempotencyKey != null) ? idempotencyKey : key));
				return;
			}
			sink.next(result.completion());
		});
	}

	private Mono<Answer> shareLocally(String key, Supplier<Mono<Answer>> call) {
		return Mono.defer(() -> {
			@SuppressWarnings("unchecked")
			Mono<Answer>[] created = new Mono[1];
			return this.flights.computeIfAbsent(key, (k) -> {
				created[0] = call.get().doFinally((signal) -> this.flights.remove(k, created[0])).cache();
				return created[0];
			});
		});
	}

	int size() {
		return this.flights.size();
	}

	/** A completion with the digest of the request it answers. */
	record Answer(String digest, ChatCompletion completion) {
	}

}
