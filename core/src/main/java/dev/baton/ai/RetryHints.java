package dev.baton.ai;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.http.HttpHeaders;
import org.springframework.lang.Nullable;

/**
 * Reads when the server allows the next call: {@code Retry-After} (delta-seconds or an HTTP
 * date) and OpenAI's {@code x-ratelimit-reset-requests} / {@code x-ratelimit-reset-tokens}
 * (Go-style durations such as {@code 1s}, {@code 6m0s}, {@code 50ms}). The latest of them wins.
 */
final class RetryHints {

	private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|us|µs|ns|h|m|s)");

	private RetryHints() {
	}

	/** The server's earliest retry, or {@code null} when it gave no usable hint. */
	@Nullable
	static Duration fromHeaders(HttpHeaders headers, Clock clock) {
		Duration hint = null;
		hint = later(hint, retryAfter(headers.getFirst(HttpHeaders.RETRY_AFTER), clock));
		hint = later(hint, goDuration(headers.getFirst("x-ratelimit-reset-requests")));
		hint = later(hint, goDuration(headers.getFirst("x-ratelimit-reset-tokens")));
		return hint;
	}

	@Nullable
	static Duration retryAfter(@Nullable String value, Clock clock) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String trimmed = value.trim();
		try {
			BigDecimal seconds = new BigDecimal(trimmed);
			return (seconds.signum() < 0) ? null : Duration.ofNanos(seconds.movePointRight(9).longValue());
		}
		catch (NumberFormatException notSeconds) {
			try {
				Duration until = Duration.between(clock.instant(),
						ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
				return until.isNegative() ? Duration.ZERO : until;
			}
			catch (DateTimeParseException notADate) {
				return null;
			}
		}
	}

	@Nullable
	static Duration goDuration(@Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		Matcher matcher = GO_DURATION_PART.matcher(value.trim());
		long nanos = 0;
		int end = 0;
		while (matcher.find() && matcher.start() == end) {
			nanos += new BigDecimal(matcher.group(1)).multiply(BigDecimal.valueOf(nanosPer(matcher.group(2))))
				.longValue();
			end = matcher.end();
		}
		return (end == 0 || end != value.trim().length()) ? null : Duration.ofNanos(nanos);
	}

	private static long nanosPer(String unit) {
		return switch (unit) {
			case "h" -> 3_600_000_000_000L;
			case "m" -> 60_000_000_000L;
			case "s" -> 1_000_000_000L;
			case "ms" -> 1_000_000L;
			case "us", "µs" -> 1_000L;
			default -> 1L;
		};
	}

	@Nullable
	private static Duration later(@Nullable Duration a, @Nullable Duration b) {
		if (a == null) {
			return b;
		}
		return (b == null || a.compareTo(b) >= 0) ? a : b;
	}

}
