package dev.baton.ai;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.github.resilience4j.ratelimiter.RateLimiter;
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

	private final LongSupplier nanoTime;

	private final AtomicLong notBefore;

	LocalQuota(@Nullable RateLimiter requests, @Nullable TokenBucket tokens, Duration maxWait, LongSupplier nanoTime) {
		this.requests = requests;
		this.tokens = tokens;
		this.maxWait = maxWait;
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

	private static Mono<Void> delay(long nanos) {
		return (nanos > 0) ? Mono.delay(Duration.ofNanos(nanos)).then() : Mono.empty();
	}

}
