package dev.baton.ai;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * The request and token budgets a call must fit before it goes upstream: local to this JVM
 * ({@link LocalQuota}) or shared by the cluster ({@link ClusterQuota}).
 */
interface Quota {

	/**
	 * Completes when one request estimated at {@code tokens} tokens may go: the permit is
	 * taken (reserved) when subscribed, and the returned publisher waits out the reservation.
	 * Fails with {@link java.util.concurrent.TimeoutException} when the wait would exceed the
	 * budget's bound.
	 */
	Mono<Void> admit(long tokens);

	/** Corrects the token budget once the real usage is known: {@code actual - estimated}. */
	Mono<Void> settle(long tokenDelta);

	/** No request goes before {@code delay} from now, for every caller (the server said 429). */
	Mono<Void> pause(Duration delay);

	/**
	 * The budgets as they stand, read without taking or reserving anything.
	 * @param calls the client's concurrency slots, passed through
	 */
	Mono<AiBudgets> budgets(AiBudgets.Calls calls);

}
