package dev.baton.ai;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

class RetryHintsTests {

	private final Clock clock = Clock.fixed(Instant.parse("2026-01-05T10:00:00Z"), ZoneOffset.UTC);

	@Test
	void readsRetryAfterInSeconds() {
		assertThat(RetryHints.retryAfter("3", this.clock)).isEqualTo(Duration.ofSeconds(3));
		assertThat(RetryHints.retryAfter("0.25", this.clock)).isEqualTo(Duration.ofMillis(250));
	}

	@Test
	void readsRetryAfterAsAnHttpDate() {
		assertThat(RetryHints.retryAfter("Mon, 05 Jan 2026 10:00:07 GMT", this.clock)).isEqualTo(Duration.ofSeconds(7));
		assertThat(RetryHints.retryAfter("Mon, 05 Jan 2026 09:00:00 GMT", this.clock)).isZero();
	}

	@Test
	void ignoresWhatItCannotRead() {
		assertThat(RetryHints.retryAfter("soon", this.clock)).isNull();
		assertThat(RetryHints.retryAfter("-1", this.clock)).isNull();
		assertThat(RetryHints.goDuration("fast")).isNull();
		assertThat(RetryHints.goDuration("1s!")).isNull();
	}

	@Test
	void readsOpenAiResetDurations() {
		assertThat(RetryHints.goDuration("50ms")).isEqualTo(Duration.ofMillis(50));
		assertThat(RetryHints.goDuration("6m0s")).isEqualTo(Duration.ofMinutes(6));
		assertThat(RetryHints.goDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
		assertThat(RetryHints.goDuration("1h2m3s")).isEqualTo(Duration.ofSeconds(3723));
	}

	@Test
	void theLatestHintWins() {
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, "1");
		headers.set("x-ratelimit-reset-requests", "2s");
		headers.set("x-ratelimit-reset-tokens", "500ms");
		assertThat(RetryHints.fromHeaders(headers, this.clock)).isEqualTo(Duration.ofSeconds(2));
		assertThat(RetryHints.fromHeaders(new HttpHeaders(), this.clock)).isNull();
	}

	@Test
	void backoffHasFullJitterUnderItsCeilingAndNeverUndercutsTheHint() {
		var backoff = RetryPolicy.fullJitter(Duration.ofMillis(100), Duration.ofMillis(400));
		for (int i = 0; i < 200; i++) {
			assertThat(backoff.apply(1, io.github.resilience4j.core.functions.Either.left(new RuntimeException())))
				.isBetween(0L, 100L);
			assertThat(backoff.apply(5, io.github.resilience4j.core.functions.Either.left(new RuntimeException())))
				.isBetween(0L, 400L);
			AiGatewayException limited = new AiGatewayException("429", "m", 429, null, Duration.ofSeconds(2), true, null);
			assertThat(backoff.apply(1, io.github.resilience4j.core.functions.Either.left(limited))).isEqualTo(2000L);
		}
	}

	@Test
	void retriesOnlyTransientFailures() {
		assertThat(RetryPolicy.isRetryable(new AiGatewayException("x", "m", 503, null, null, true, null))).isTrue();
		assertThat(RetryPolicy.isRetryable(new AiGatewayException("x", "m", 400, null, null, false, null))).isFalse();
		assertThat(RetryPolicy.isRetryable(new IllegalStateException())).isFalse();
	}

}
