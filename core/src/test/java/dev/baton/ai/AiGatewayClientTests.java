package dev.baton.ai;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import dev.baton.test.RedisTestServers;
import dev.baton.singleflight.SingleFlight;
import dev.baton.redis.RedisKeyspace;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.baton.ai.FakeOpenAiServer.RetryHint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class AiGatewayClientTests {

	private static final String MODEL = "test-model";

	private static AiGatewayClientBuilder client(FakeOpenAiServer server) {
		return AiGatewayClient.builder()
			.baseUrl(server.baseUrl())
			.model(MODEL)
			.backoff(Duration.ofMillis(10), Duration.ofMillis(200))
			.totalTimeout(Duration.ofSeconds(30));
	}

	@Test
	void chatAllYieldsOneResultPerRequestInOrderAndCountsEveryTokenOnce() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		// A window's limit below the client's concurrency: the calls in flight at once exceed it
		// however slowly this machine runs them, so the limit is hit for sure.
		try (FakeOpenAiServer server = FakeOpenAiServer.start(5, Duration.ofMillis(100),
				RetryHint.RESET_REQUESTS_MILLIS, 0.05, 42, Duration.ofMillis(5))) {
			AiGatewayClient client = client(server).maxConcurrency(8)
				.maxAttempts(30)
				.metrics(new MicrometerAiGatewayMetrics(meters))
				.build();
			List<ChatRequest> requests = IntStream.range(0, 200).mapToObj((i) -> ChatRequest.of("request " + i)).toList();

			List<BatchResult> results = client.chatAll(requests, 50).collectList().block(Duration.ofSeconds(60));

			assertThat(results).hasSize(200);
			assertThat(results).extracting(BatchResult::index).containsExactlyElementsOf(IntStream.range(0, 200).boxed().toList());
			List<BatchResult> succeeded = results.stream().filter(BatchResult::isSuccess).toList();
			assertThat(succeeded).allSatisfy((result) -> assertThat(result.completion().content())
				.isEqualTo("echo: request " + result.index()));
			assertThat((long) succeeded.size()).as("each success reached the server exactly once")
				.isEqualTo(server.succeeded());
			assertThat(server.rateLimited()).as("the server's limit was hit, so retries were exercised").isPositive();
			assertThat(server.failed()).as("503s were drawn").isPositive();
			assertThat(server.highWaterMark()).isLessThanOrEqualTo(8);
			TokenUsage expected = succeeded.stream().map((result) -> result.completion().usage())
				.reduce(TokenUsage.ZERO, TokenUsage::plus);
			assertThat(client.usage().totals().get(MODEL)).isEqualTo(expected);
			assertThat(meters.get("baton.ai.tokens").tag("type", "prompt").counter().count())
				.isEqualTo((double) expected.promptTokens());
			assertThat(meters.get("baton.ai.tokens").tag("type", "completion").counter().count())
				.isEqualTo((double) expected.completionTokens());
			assertThat(meters.get("baton.ai.rate.limited").counter().count()).isEqualTo((double) server.rateLimited());
			assertThat(meters.get("baton.ai.batch.results").tag("outcome", "success").counter().count())
				.isEqualTo(succeeded.size());
			assertThat(meters.get("baton.ai.batch.pending").gauge().value()).isZero();
			assertThat(meters.get("baton.ai.inflight").gauge().value()).isZero();
		}
	}

	@Test
	void aBatchKeepsGoingPastAFailureAndReportsIt() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
			AiGatewayClient client = client(server).build();
			List<ChatRequest> requests = List.of(ChatRequest.of("a"), ChatRequest.of("__bad_request__"), ChatRequest.of("c"));

			List<BatchResult> results = client.chatAll(requests, 2).collectList().block(Duration.ofSeconds(10));

			assertThat(results).extracting(BatchResult::isSuccess).containsExactly(true, false, true);
			assertThat(results.get(1).error()).isInstanceOfSatisfying(AiGatewayException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(400));
		}
	}

	@Test
	void aRateLimitedResponseHoldsBackEveryCallerUntilTheServersHint() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start(1, Duration.ofSeconds(2),
				RetryHint.RESET_REQUESTS_MILLIS, 0, 1, Duration.ZERO)) {
			AiGatewayClient client = client(server).build();
			client.chat(ChatRequest.of("first")).block(Duration.ofSeconds(10));
			Mono<ChatCompletion> second = client.chat(ChatRequest.of("second")).cache();
			second.subscribe();
			await().atMost(5, TimeUnit.SECONDS).until(() -> server.rateLimited() == 1);

			ChatCompletion third = client.chat(ChatRequest.of("third")).block(Duration.ofSeconds(10));

			assertThat(third.content()).isEqualTo("echo: third");
			assertThat(second.block(Duration.ofSeconds(10)).content()).isEqualTo("echo: second");
			assertThat(server.arrivalsPerWindow().get(0L)).as("nobody called again in the window that said 429")
				.isEqualTo(2);
		}
	}

	@Test
	void honoursAnIntegerRetryAfter() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start(2, Duration.ofSeconds(1), RetryHint.RETRY_AFTER_SECONDS,
				0, 1, Duration.ZERO)) {
			AiGatewayClient client = client(server).maxConcurrency(6).maxAttempts(5).build();
			List<ChatRequest> requests = IntStream.range(0, 6).mapToObj((i) -> ChatRequest.of("r" + i)).toList();

			List<BatchResult> results = client.chatAll(requests, 6).collectList().block(Duration.ofSeconds(20));

			assertThat(results).allMatch(BatchResult::isSuccess);
			// Two per window get through: 4 then 2 wait, at most once per window each.
			assertThat(server.rateLimited()).isLessThanOrEqualTo(6);
			assertThat(server.arrivalsPerWindow().values()).allMatch((count) -> count <= 6);
		}
	}

	@Test
	void retriesTransientFailuresAndBillsOnlyTheAttemptThatSucceeded() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start(0, Duration.ofSeconds(1),
				RetryHint.RETRY_AFTER_SECONDS, 0.6, 7, Duration.ZERO)) {
			AiGatewayClient client = client(server).maxAttempts(30).build();

			List<ChatCompletion> completions = Flux.range(0, 20)
				.concatMap((i) -> client.chat(ChatRequest.of("r" + i)))
				.collectList()
				.block(Duration.ofSeconds(30));

			assertThat(server.failed()).isPositive();
			assertThat(server.succeeded()).isEqualTo(20);
			assertThat(client.usage().totals().get(MODEL))
				.isEqualTo(completions.stream().map(ChatCompletion::usage).reduce(TokenUsage.ZERO, TokenUsage::plus));
		}
	}

	@Test
	void streamsChunksInOrderAndCountsTheFinalUsage() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
			AiGatewayClient client = client(server).build();

			List<ChatChunk> chunks = client.stream(ChatRequest.of("one two three four five"))
				.collectList()
				.block(Duration.ofSeconds(10));

			assertThat(chunks.stream().map(ChatChunk::content).collect(Collectors.joining()))
				.isEqualTo("echo: one two three four five");
			assertThat(chunks.subList(0, chunks.size() - 1)).extracting(ChatChunk::content)
				.containsExactly("echo:", " one", " two", " three", " four", " five");
			TokenUsage usage = chunks.get(chunks.size() - 1).usage();
			assertThat(usage).isNotNull();
			assertThat(usage.totalTokens()).isPositive();
			assertThat(client.usage().totals().get(MODEL)).isEqualTo(usage);
		}
	}

	@Test
	void aStreamIsBoundedByTheTotalTimeoutAndGivesItsSlotBack() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
			Duration totalTimeout = Duration.ofMillis(800);
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			AiGatewayClient client = client(server).maxConcurrency(1)
				.totalTimeout(totalTimeout)
				.metrics(new MicrometerAiGatewayMetrics(meters))
				.build();
			long start = System.nanoTime();
			assertThatExceptionOfType(AiGatewayException.class)
				.isThrownBy(() -> client.stream(ChatRequest.of("__drip__")).blockLast(Duration.ofSeconds(30)))
				.withMessageContaining("totalTimeout");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the drip alone would take 10 s")
				.isGreaterThanOrEqualTo(totalTimeout)
				.isLessThan(totalTimeout.plusSeconds(2));
			assertThat(meters.get("baton.ai.requests").tag("outcome", "no_answer").timer().count()).isEqualTo(1);
			// The only slot is free again.
			assertThat(client.chat(ChatRequest.of("next")).block(Duration.ofSeconds(5)).content()).isEqualTo("echo: next");
		}
	}

	@Test
	void anIdempotencyKeyReusedForAnotherRequestFailsClearlyInsteadOfSharingTheFirstsCompletion() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start(0, Duration.ofSeconds(1),
				RetryHint.RETRY_AFTER_SECONDS, 0, 1, Duration.ofMillis(300))) {
			AiGatewayClient client = client(server).build();
			Mono<ChatCompletion> first = client.chat(ChatRequest.of("refund order 42").withIdempotencyKey("op-1"))
				.cache();
			first.subscribe();
			await().atMost(5, TimeUnit.SECONDS).until(() -> server.received() == 1);
			assertThatExceptionOfType(IdempotencyKeyConflictException.class)
				.isThrownBy(() -> client.chat(ChatRequest.of("cancel order 43").withIdempotencyKey("op-1"))
					.block(Duration.ofSeconds(10)))
				.withMessageContaining("op-1");
			assertThat(first.block(Duration.ofSeconds(10)).content()).isEqualTo("echo: refund order 42");
			assertThat(client.chat(ChatRequest.of("refund order 42").withIdempotencyKey("op-1"))
				.block(Duration.ofSeconds(10))
				.content()).isEqualTo("echo: refund order 42");
		}
	}

	@Test
	void aRetryAfterOfADayIsCappedAtTheMaxRetryPauseAndCounted() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
			AiGatewayClient client = client(server).maxRetryPause(Duration.ofMillis(500))
				.metrics(new MicrometerAiGatewayMetrics(meters))
				.build();
			long start = System.nanoTime();
			assertThat(client.chat(ChatRequest.of("__retry_after_a_day__")).block(Duration.ofSeconds(10)).content())
				.isEqualTo("echo: __retry_after_a_day__");
			assertThat(client.chat(ChatRequest.of("another caller")).block(Duration.ofSeconds(10)).content())
				.isEqualTo("echo: another caller");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
			assertThat(server.rateLimited()).isEqualTo(1);
			assertThat(meters.get("baton.ai.retry.hints.capped").counter().count()).isEqualTo(1);
		}
	}

	@Test
	void rejectsBadRequestsBeforeAnyCall() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
			AiGatewayClient client = client(server).build();

			assertThatIllegalArgumentException().isThrownBy(() -> client.chat(ChatRequest.of(List.of())))
				.withMessageContaining("messages must not be empty");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> client.chat(ChatRequest.of(List.of(new ChatMessage("robot", "hi")))))
				.withMessageContaining("messages[0].role").withMessageContaining("robot");
			assertThatIllegalArgumentException()
				.isThrownBy(() -> client.stream(ChatRequest.of(List.of(new ChatMessage(null, "hi")))));
			assertThatIllegalArgumentException().isThrownBy(() -> client.chatAll(List.of(), 0))
				.withMessageContaining("concurrency");
			assertThat(server.received()).isZero();
		}
	}

	@Test
	void aBodyThatIsNotJsonFailsWithStatusAndBodyAndIsNotRetried() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
			AiGatewayClient client = client(server).build();

			assertThatExceptionOfType(AiGatewayException.class)
				.isThrownBy(() -> client.chatBlocking(ChatRequest.of("__garbage__")))
				.satisfies((ex) -> {
					assertThat(ex.getStatus()).isEqualTo(200);
					assertThat(ex.getBody()).contains("<html>");
					assertThat(ex.getModel()).isEqualTo(MODEL);
					assertThat(ex.isRetryable()).isFalse();
				});
			assertThat(server.received()).isEqualTo(1);
		}
	}

	@Test
	void aClientErrorIsNotRetried() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
			AiGatewayClient client = client(server).build();

			assertThatExceptionOfType(AiGatewayException.class)
				.isThrownBy(() -> client.chatBlocking(ChatRequest.of("__bad_request__")))
				.satisfies((ex) -> assertThat(ex.getStatus()).isEqualTo(400));
			assertThat(server.received()).isEqualTo(1);
		}
	}

	@Test
	void identicalRequestsInFlightShareOneUpstreamCall() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start(0, Duration.ofSeconds(1),
				RetryHint.RETRY_AFTER_SECONDS, 0, 1, Duration.ofMillis(300))) {
			AiGatewayClient client = client(server).build();
			ChatRequest request = ChatRequest.of("same").withIdempotencyKey("order-42");

			List<ChatCompletion> completions = Flux.range(0, 10)
				.flatMap((i) -> client.chat(request), 10)
				.collectList()
				.block(Duration.ofSeconds(10));

			assertThat(completions).hasSize(10);
			assertThat(Set.copyOf(completions)).hasSize(1);
			assertThat(server.received()).isEqualTo(1);
			assertThat(client.usage().totals().get(MODEL)).isEqualTo(completions.get(0).usage());
		}
	}

	@Test
	void dedupeSharesIdenticalRequestsWithoutAKey() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start(0, Duration.ofSeconds(1),
				RetryHint.RETRY_AFTER_SECONDS, 0, 1, Duration.ofMillis(300))) {
			AiGatewayClient client = client(server).dedupe(true).build();

			Flux.range(0, 6)
				.flatMap((i) -> client.chat(ChatRequest.of((i % 2 == 0) ? "even" : "odd")), 6)
				.collectList()
				.block(Duration.ofSeconds(10));

			assertThat(server.received()).isEqualTo(2);
		}
	}

	@Test
	void identicalRequestsOnThreeInstancesShareOneUpstreamCallThroughSingleFlight() {
		List<LettuceConnectionFactory> factories = new ArrayList<>();
		try (FakeOpenAiServer server = FakeOpenAiServer.start(0, Duration.ofSeconds(1),
				RetryHint.RETRY_AFTER_SECONDS, 0, 1, Duration.ofMillis(500))) {
			RedisKeyspace keyspace = new RedisKeyspace("ai-dedupe" + System.nanoTime());
			List<AiGatewayClient> instances = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				LettuceConnectionFactory factory = RedisTestServers.shared().newConnectionFactory();
				factories.add(factory);
				SingleFlight flights = SingleFlight.builder().redis(factory).keyspace(keyspace).build();
				instances.add(client(server).dedupe(true).singleFlight(flights).build());
			}
			ChatRequest request = ChatRequest.of("one blurb for everyone");

			List<ChatCompletion> completions = Flux.range(0, 30)
				.flatMap((i) -> instances.get(i % 3).chat(request), 30)
				.collectList()
				.block(Duration.ofSeconds(20));

			assertThat(completions).hasSize(30);
			assertThat(Set.copyOf(completions)).hasSize(1);
			assertThat(server.received()).isEqualTo(1);
			long billed = instances.stream()
				.mapToLong((client) -> client.usage().totals().getOrDefault(MODEL, new TokenUsage(0, 0, 0)).totalTokens())
				.sum();
			assertThat(billed).as("billed once, by the instance that called").isEqualTo(completions.get(0).usage().totalTokens());
		}
		finally {
			factories.forEach(LettuceConnectionFactory::destroy);
		}
	}

	@Test
	void theTokenBudgetReservesBeforeACallAndSettlesWithTheRealUsage() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
			// 200 tokens per hour: each call reserves about 10 prompt + 80 completion tokens,
			// but is billed about 40, so settling frees room for later calls.
			AiGatewayClient client = client(server).tokensPerPeriod(200)
				.rateLimitPeriod(Duration.ofHours(1))
				.acquireTimeout(Duration.ofMillis(200))
				.build();

			for (int i = 0; i < 4; i++) {
				client.chatBlocking(ChatRequest.of("t" + i).withMaxTokens(80));
			}
			long billed = client.usage().totals().get(MODEL).totalTokens();
			assertThat(billed).as("four reservations would not fit, four settled calls do").isLessThan(200);

			assertThatThrownBy(() -> Flux.range(0, 3)
				.flatMap((i) -> client.chat(ChatRequest.of("u" + i).withMaxTokens(80)))
				.blockLast(Duration.ofSeconds(10))).as("three unsettled reservations do not fit")
				.rootCause()
				.isInstanceOf(TimeoutException.class)
				.hasMessageContaining("tokensPerPeriod");
		}
	}

}
