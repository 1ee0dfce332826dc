package dev.baton.ai;

import java.time.Duration;
import java.time.Instant;

import org.springframework.lang.Nullable;

/**
 * What an {@link AiGatewayClient} may still spend, as read at one moment without spending
 * anything (see {@link AiGatewayClient#budgets()}).
 *
 * @param scope where the request and token budgets are kept
 * @param requests the request budget, or {@code null} when requests are not limited
 * @param tokens the token budget, or {@code null} when tokens are not limited
 * @param pausedUntil until when no request may start because the server answered 429 (its
 * {@code Retry-After}), or {@code null} when no such pause is in force
 * @param calls the calls holding a concurrency slot now, against the limit
 */
public record AiBudgets(Scope scope, @Nullable Budget requests, @Nullable Budget tokens,
		@Nullable Instant pausedUntil, Calls calls) {

	/** Where the budgets are kept. */
	public enum Scope {

		/** In this JVM. */
		LOCAL,

		/** In Redis, shared by every instance. */
		CLUSTER,

		/** Shared by the cluster, but Redis does not answer: this JVM's share applies (the figures are its). */
		LOCAL_FALLBACK

	}

	/**
	 * One budget.
	 *
	 * @param limit how many a window allows
	 * @param left how many the budget can still grant in a window from now: the limit less what
	 * it granted or reserved ahead of now (0 when callers already wait for room). Tokens are a
	 * bucket refilled evenly, so their {@code left} falls with every call and recovers over the
	 * window; requests are paced evenly over the window, so theirs falls only while calls come
	 * faster than that pace, or while a pause holds them back
	 * @param window the window the limit refers to
	 */
	public record Budget(long limit, long left, Duration window) {
	}

	/**
	 * The concurrency slots.
	 *
	 * @param inFlight calls holding a slot (waiting for a budget or upstream)
	 * @param limit the most that may hold one at once
	 * @param waiting calls waiting for a slot
	 */
	public record Calls(int inFlight, int limit, int waiting) {
	}

}
