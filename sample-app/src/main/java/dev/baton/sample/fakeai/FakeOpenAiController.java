package dev.baton.sample.fakeai;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /fake-ai/v1/chat/completions}, answering like OpenAI after
 * {@code sample.fake-ai.latency}: over its own rate limit a 429 with {@code Retry-After} until
 * the next window, and a share of the other requests a 429 anyway. A request it cannot take
 * (no or malformed {@code messages}, a {@code max_tokens} that is not a positive integer) is
 * answered 400 at once, as OpenAI does.
 */
@RestController
@Profile("fake-ai")
final class FakeOpenAiController {

	/** What a real provider suggests after a transient 429. */
	private static final String INJECTED_RETRY_AFTER = "0.1";

	private final FakeAiProperties properties;

	private final FakeAiLedger ledger;

	private final AtomicRateLimiter limit;

	private final AtomicLong ids = new AtomicLong();

	FakeOpenAiController(FakeAiProperties properties, FakeAiLedger ledger) {
		this.properties = properties;
		this.ledger = ledger;
		this.limit = new AtomicRateLimiter("fake-ai", RateLimiterConfig.custom()
			.limitForPeriod(properties.requestsPerSecond())
			.limitRefreshPeriod(Duration.ofSeconds(1))
			.timeoutDuration(Duration.ZERO)
			.build());
	}

	@PostMapping("/fake-ai/v1/chat/completions")
	Mono<ResponseEntity<Map<String, Object>>> complete(@RequestBody Map<String, Object> request) {
		ResponseEntity<Map<String, Object>> answer = invalid(request);
		if (answer != null) {
			return Mono.just(answer);
		}
		if (!this.limit.acquirePermission()) {
			this.ledger.rateLimited();
			answer = tooManyRequests(seconds(this.limit.getDetailedMetrics().getNanosToWait()));
		}
		else if (ThreadLocalRandom.current().nextDouble() < this.properties.injected429Rate()) {
			this.ledger.injected();
			answer = tooManyRequests(INJECTED_RETRY_AFTER);
		}
		else {
			answer = ResponseEntity.ok(completion(request));
		}
		return Mono.delay(this.properties.latency()).thenReturn(answer);
	}

	@SuppressWarnings("unchecked")
	private Map<String, Object> completion(Map<String, Object> request) {
		List<Map<String, Object>> messages = (List<Map<String, Object>>) request.get("messages");
		int maxTokens = (request.get("max_tokens") instanceof Number number) ? (int) Math.min(number.longValue(), 100_000)
				: 256;
		FakeReply reply = FakeReply.to(messages, maxTokens);
		this.ledger.billed(reply.promptTokens(), reply.completionTokens());
		return Map.of("id", "chatcmpl-fake-" + this.ids.incrementAndGet(), "object", "chat.completion", "created",
				Instant.now().getEpochSecond(), "model", request.getOrDefault("model", "fake-gpt"), "choices",
				List.of(Map.of("index", 0, "message", Map.of("role", "assistant", "content", reply.content()),
						"finish_reason", "stop")),
				"usage", Map.of("prompt_tokens", reply.promptTokens(), "completion_tokens", reply.completionTokens(),
						"total_tokens", reply.promptTokens() + reply.completionTokens()));
	}

	/** OpenAI's 400 for a request it cannot take, or {@code null} when the request is fine. */
	private static ResponseEntity<Map<String, Object>> invalid(Map<String, Object> request) {
		Object maxTokens = request.get("max_tokens");
		if (maxTokens != null && !(maxTokens instanceof Integer || maxTokens instanceof Long)
				|| maxTokens instanceof Number number && number.longValue() < 1) {
			return badRequest("max_tokens", "max_tokens must be a positive integer, got " + maxTokens);
		}
		if (!(request.get("messages") instanceof List<?> messages) || messages.isEmpty()) {
			return badRequest("messages", "messages must be a non-empty array of {role, content} objects");
		}
		for (Object message : messages) {
			if (!(message instanceof Map<?, ?> fields) || !(fields.get("role") instanceof String)
					|| !(fields.get("content") instanceof String)) {
				return badRequest("messages", "every message must be an object with a string role and content");
			}
		}
		return null;
	}

	private static ResponseEntity<Map<String, Object>> badRequest(String param, String message) {
		return ResponseEntity.status(HttpStatus.BAD_REQUEST)
			.body(Map.of("error", Map.of("message", message, "type", "invalid_request_error", "param", param)));
	}

	private static ResponseEntity<Map<String, Object>> tooManyRequests(String retryAfter) {
		return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
			.header(HttpHeaders.RETRY_AFTER, retryAfter)
			.body(Map.of("error", Map.of("message", "Rate limit reached", "type", "rate_limit_exceeded")));
	}

	private static String seconds(long nanos) {
		return BigDecimal.valueOf(Math.max(nanos, 1_000_000), 9).stripTrailingZeros().toPlainString();
	}

}
