package dev.baton.aop;

import reactor.core.publisher.Mono;

/**
 * What an aspect asks of its feature for one invocation: a permit, blocking or not. A guard is
 * built per invocation and already knows its name, key and wait time.
 */
public interface Guard {

	/**
	 * Waits for the permit on the calling thread; used for methods that return plain values.
	 * @return the permit, held until closed
	 * @throws InterruptedException if the thread is interrupted while waiting (nothing is held)
	 * @throws dev.baton.BatonException the feature's timeout exception when the wait runs out
	 */
	Permit acquire() throws InterruptedException;

	/**
	 * Asks for the permit without blocking; used for {@code Mono}, {@code Flux} and
	 * {@code CompletionStage} methods. The returned {@code Mono} emits one permit or errors with
	 * the feature's timeout exception. Cancelling the subscription gives up the wait and leaves
	 * nothing behind; the permit may be closed on any thread.
	 * @return a cold {@code Mono}: nothing is asked for until it is subscribed
	 */
	Mono<Permit> acquireAsync();

}
