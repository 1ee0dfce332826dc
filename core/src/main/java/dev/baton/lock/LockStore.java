package dev.baton.lock;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;

/**
 * Where holds live: one Redis, a Redlock quorum, or this JVM. Every operation is one atomic
 * step on the store; the registry above it does the waiting, local queueing and renewal.
 * {@link #acquire} and {@link #release} (and their blocking callers' twins, {@link #acquireNow}
 * and {@link #releaseNow}) are the hot path: the store bounds them by the registry's store
 * timeout itself (a Redis store with a timer on the command's future, cheaper than a wrapping
 * operator); the registry bounds the other calls.
 */
interface LockStore {

	/**
	 * Tries to take the lock for {@code owner}.
	 * @param willWait how long the caller will keep trying; non-zero queues it fairly
	 * @param handoffs how many local hand-offs the hold may make: the tokens after the one
	 * returned are reserved for them, so every later hold's token is higher, whether or not
	 * this hold is ever released
	 * @param retry whether this hold asked before and may be queued: it then goes through the
	 * queue, never the fast path that takes a free lock without looking at it
	 */
	Mono<Attempt> acquire(String key, String owner, Duration lease, Duration willWait, int handoffs, boolean retry);

	/**
	 * {@link #acquire} for a caller that blocks for the answer anyway (a thread taking a lock):
	 * the store's call as a future, which a store whose client answers with futures (Redis)
	 * returns without any operator on the way.
	 */
	default CompletableFuture<Attempt> acquireNow(String key, String owner, Duration lease, Duration willWait,
			int handoffs, boolean retry) {
		return acquire(key, owner, lease, willWait, handoffs, retry).toFuture();
	}

	/**
	 * {@link #acquireNow(String, String, Duration, Duration, int, boolean)} for a caller that may
	 * take its fencing token later: a store may then grant the hold without one
	 * ({@link Attempt#token()} {@code 0}) when that is cheaper, and issue it on request by
	 * {@link #issueToken}. Stores that always issue one ignore the hint.
	 * @param tokenLater whether the hold may be granted without its token
	 */
	default CompletableFuture<Attempt> acquireNow(String key, String owner, Duration lease, Duration willWait,
			int handoffs, boolean retry, boolean tokenLater) {
		return acquireNow(key, owner, lease, willWait, handoffs, retry);
	}

	/**
	 * Issues the fencing token of a hold granted without one, to its holder.
	 * @param handoffs how many local hand-offs the hold may still make: the tokens after the one
	 * returned are reserved for them
	 * @return the token, or {@code -1} when the owner no longer holds the lock
	 */
	default CompletableFuture<Long> issueToken(String key, String owner, int handoffs) {
		return CompletableFuture.failedFuture(
				new UnsupportedOperationException(getClass().getSimpleName() + " grants every hold its token"));
	}

	/**
	 * Releases the owner's hold.
	 * @return {@code true} if released, {@code false} if the owner no longer held it
	 */
	Mono<Boolean> release(String key, String owner);

	/** {@link #release} for a caller that blocks for the answer anyway; see {@link #acquireNow}. */
	default CompletableFuture<Boolean> releaseNow(String key, String owner) {
		return release(key, owner).toFuture();
	}

	/** Extends the owner's lease. {@code false}: the owner no longer holds it. */
	Mono<Boolean> renew(String key, String owner, Duration lease);

	/** Takes a waiter that gave up out of the fair queue. */
	Mono<Void> cancel(String key, String owner);

	/**
	 * Registers the one callback told when a lock of this store may have become free; called
	 * with the lock's key as given to {@link #acquire}. Called at most once, before any use.
	 */
	void onRelease(java.util.function.Consumer<String> listener);

	/**
	 * The outcome of one acquire step.
	 * @param unsettled when the store could not say this time but asks to be asked again after
	 * {@code retryIn} (a Redis Cluster slot halfway through a migration answers
	 * {@code TRYAGAIN}): why; the caller retries within its wait, and reports the lock
	 * unavailable for this reason if its wait runs out first
	 */
	record Attempt(boolean acquired, long token, Duration retryIn, @Nullable Throwable unsettled) {

		static Attempt acquired(long token) {
			return new Attempt(true, token, Duration.ZERO, null);
		}

		static Attempt busy(Duration retryIn) {
			return new Attempt(false, 0, retryIn, null);
		}

		static Attempt unsettled(Duration retryIn, Throwable why) {
			return new Attempt(false, 0, retryIn, why);
		}

	}

}
