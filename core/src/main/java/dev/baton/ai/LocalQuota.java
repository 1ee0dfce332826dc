package dev.baton.ai;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.reactor.ratelimiter.operator.RateLimiterOperator;
import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;

/**
 * The budgets of one JVM: requests through the resilience4j {@link RateLimiter}, tokens
 * through a {@link TokenBucket}, and a shared "not before" instant that a 429 pushes forward
 * for every caller at once.
 */
final class LocalQuota implements Quota {

	@Nullable
	private final RateLimiter requests;

	@Nullable
	private final TokenBucket tokens;

	private final Duration maxWait;

	private final Duration window;

	private final LongSupplier nanoTime;

	private final AtomicLong notBefore;

	/**
	 * @param window the window the request budget is shown over ({@link #budgets}): the period
	 * of the budgets
	 */
	LocalQuota(@Nullable RateLimiter requests, @Nullable TokenBucket tokens, Duration maxWait, Duration window,
			LongSupplier nanoTime) {
		this.requests = requests;
		this.tokens = tokens;
		this.maxWait = maxWait;
		this.window = window;
		this.nanoTime = nanoTime;
		this.notBefore = new AtomicLong(nanoTime.getAsLong());
	}

	@Override
	public Mono<Void> admit(long tokenCount) {
		Mono<Void> admitted = Mono.defer(() -> delay(this.notBefore.get() - this.nanoTime.getAsLong()));
		if (this.requests != null) {
			admitted = admitted.then(Mono.<Void>empty().transform(RateLimiterOperator.of(this.requests)));
		}
		if (this.tokens != null) {
			admitted = admitted.then(Mono.defer(() -> reserveTokens(tokenCount)));
		}
		return admitted;
	}

	private Mono<Void> reserveTokens(long tokenCount) {
		long wait = this.tokens.reserve(tokenCount, this.maxWait.toNanos());
		if (wait < 0) {
			return Mono.error(new QuotaTimeoutException("local token", this.maxWait));
		}
		return delay(wait);
	}

	@Override
	public Mono<Void> settle(long tokenDelta) {
		if (this.tokens != null && tokenDelta != 0) {
			this.tokens.adjust(tokenDelta);
		}
		return Mono.empty();
	}

	@Override
	public Mono<Void> pause(Duration delay) {
		long until = this.nanoTime.getAsLong() + delay.toNanos();
		this.notBefore.accumulateAndGet(until, Math::max);
		if (this.requests != null) {
			this.requests.drainPermissions();
		}
		return Mono.empty();
	}

	@Override
	public Mono<AiBudgets> budgets(AiBudgets.Calls calls) {
		return Mono.fromSupplier(() -> budgets(AiBudgets.Scope.LOCAL, calls));
	}

	/** The budgets as they stand, as the given scope. */
	AiBudgets budgets(AiBudgets.Scope scope, AiBudgets.Calls calls) {
		AiBudgets.Budget requestBudget = (this.requests != null) ? requestBudget(this.requests) : null;
		AiBudgets.Budget tokenBudget = (this.tokens != null) ? this.tokens.budget() : null;
		return new AiBudgets(scope, requestBudget, tokenBudget, pausedUntil(), calls);
	}

	/**
	 * The rate limiter's budget over the window: it grants {@code limitForPeriod} per refresh
	 * period (Baton's own slices the window into periods of about 100 ms), so the window's
	 * limit is that rate over the window, less what the current period granted or reserved.
	 */
	private AiBudgets.Budget requestBudget(RateLimiter limiter) {
		RateLimiterConfig config = limiter.getRateLimiterConfig();
		long perPeriod = config.getLimitForPeriod();
		long limit = Math.round((double) perPeriod * this.window.toNanos() / config.getLimitRefreshPeriod().toNanos());
		long booked = perPeriod - limiter.getMetrics().getAvailablePermissions();
		return new AiBudgets.Budget(limit, Math.max(0, limit - Math.max(0, booked)), this.window);
	}

	@Nullable
	private Instant pausedUntil() {
		long left = this.notBefore.get() - this.nanoTime.getAsLong();
		return (left > 0) ? Instant.now().plusNanos(left) : null;
	}

	private static Mono<Void> delay(long nanos) {
		return (nanos > 0) ? Mono.delay(Duration.ofNanos(nanos)).then() : Mono.empty();
	}

}
