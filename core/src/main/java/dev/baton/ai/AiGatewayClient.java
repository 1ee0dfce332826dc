package dev.baton.ai;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.Observed;
import dev.baton.json.JsonCodec;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.reactor.timelimiter.TimeLimiterOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.lang.Nullable;

/**
 * A rate-limited, retrying client for OpenAI-compatible {@code /v1/chat/completions} APIs.
 * <p>
 * Every attempt waits for a concurrency slot (the {@code baton-ai} bulkhead), then for the
 * request and token budgets (local, or shared by the cluster through Redis), and has the
 * {@code baton-ai} time limiter's time to answer. Failed attempts with status 429, 500, 502,
 * 503, 504 or no answer are retried by the {@code baton-ai} retry, never sooner than the
 * server's {@code Retry-After} or {@code x-ratelimit-reset-*}; a 429 also holds back every
 * other caller of this client (and, with cluster limits, of the cluster) until then. The
 * whole call, retries included, is bounded by the total timeout. Usage of successful calls is
 * added to the {@link UsageLedger} exactly once per call.
 * <p>
 * Build one with {@link #builder()}; Spring Boot applications get one from
 * {@code baton.ai.base-url}.
 */
public final class AiGatewayClient {

	private final ChatTransport transport;

	private final String defaultModel;

	private final ConcurrencyGate gate;

	private final Quota quota;

	private final Retry retry;

	private final TimeLimiter timeLimiter;

	private final UsageLedger ledger;

	private final AiGatewayMetrics metrics;

	private final InFlightRequests inFlightRequests;

	private final boolean dedupe;

	private final Duration totalTimeout;

	private final int assumedCompletionTokens;

	private final Duration pauseWithoutHint;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final BatchProgress batches;

	private final JsonCodec.JsonType requestKeys;

	AiGatewayClient(AiGatewayClientBuilder.Parts parts) {
		this.transport = parts.transport();
		this.defaultModel = parts.defaultModel();
		this.gate = parts.gate();
		this.quota = parts.quota();
		this.retry = parts.retry();
		this.timeLimiter = parts.timeLimiter();
		this.ledger = parts.ledger();
		this.metrics = parts.metrics();
		this.dedupe = parts.dedupe();
		this.totalTimeout = parts.totalTimeout();
		this.assumedCompletionTokens = parts.assumedCompletionTokens();
		this.pauseWithoutHint = parts.pauseWithoutHint();
		this.batches = new BatchProgress(this.metrics);
		this.inFlightRequests = new InFlightRequests(parts.singleFlight(), this.totalTimeout);
		this.requestKeys = parts.requestKeys();
		this.metrics.bindGauges(this.inFlight::get, this.batches::pending);
		this.retry.getEventPublisher().onRetry((event) -> this.metrics.retried(modelOf(event.getLastThrowable())));
	}

	/** A builder for a client used without Spring. */
	public static AiGatewayClientBuilder builder() {
		return new AiGatewayClientBuilder();
	}

	/**
	 * One completion. Identical requests in flight share one upstream call when they carry
	 * the same {@link ChatRequest#idempotencyKey()}, or always with {@code dedupe} on.
	 * @return the completion; fails with {@link AiGatewayException} when the upstream fails
	 * for good, a {@link TimeoutException} when no slot or budget frees up in time, or a
	 * {@link dev.baton.redis.StoredFormatException} when the cluster-wide budgets are kept in
	 * a later format than this instance reads
	 * @throws IllegalArgumentException if the request is invalid (see {@link ChatRequest#validate()})
	 */
	public Mono<ChatCompletion> chat(ChatRequest request) {
		request.validate();
		String model = request.resolveModel(this.defaultModel);
		Mono<ChatCompletion> call = Mono.defer(() -> withRetries(request, model));
		if (request.idempotencyKey() == null && !this.dedupe) {
			return call;
		}
		String digest = digest(request.withModel(model).withIdempotencyKey(null));
		String key = (request.idempotencyKey() != null) ? "key:" + request.idempotencyKey() : "request:" + digest;
		return this.inFlightRequests.share(key, digest, request.idempotencyKey(), () -> call);
	}

	/** Equal requests, equal digests: the request as JSON, hashed so that the key stays short. */
	private String digest(ChatRequest request) {
		try {
			byte[] json = this.requestKeys.write(request).getBytes(StandardCharsets.UTF_8);
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Cannot key request for deduplication", ex);
		}
	}

	/**
	 * {@link #chat} for callers that block; never call it on a Reactor thread.
	 * @throws AiGatewayException when the upstream fails for good
	 */
	public ChatCompletion chatBlocking(ChatRequest request) {
		return chat(request).block();
	}

	/**
	 * A streamed completion, chunk by chunk in the server's order; the last chunk carries the
	 * usage, which is accounted like {@link #chat}'s. Attempts that fail before the first
	 * chunk are retried; a stream that breaks later fails, since its chunks were delivered. The
	 * whole stream, waits and retries included, is bounded by the total timeout: past it the
	 * upstream is cancelled (its concurrency slot freed) and the stream fails with an
	 * {@link AiGatewayException} naming {@code totalTimeout}.
	 * @throws IllegalArgumentException if the request is invalid
	 */
	public Flux<ChatChunk> stream(ChatRequest request) {
		request.validate();
		String model = request.resolveModel(this.defaultModel);
		return Flux.defer(() -> streamWithRetries(request, model));
	}

	/** Past the total timeout the upstream is cancelled (its slot freed) and the stream fails. */
	private Flux<ChatChunk> withinTotalTimeout(Flux<ChatChunk> chunks, String model) {
		AtomicBoolean expired = new AtomicBoolean();
		Mono<Long> deadline = Mono.delay(this.totalTimeout).doOnNext((tick) -> expired.set(true));
		return chunks.takeUntilOther(deadline)
			.concatWith(Mono.defer(() -> expired.get() ? Mono.error(gaveUp(model)) : Mono.empty()));
	}

	private AiGatewayException gaveUp(String model) {
		return new AiGatewayException("Gave up after " + this.totalTimeout + " (totalTimeout)", model, 0, null, null,
				false, null);
	}

	private Flux<ChatChunk> streamWithRetries(ChatRequest request, String model) {
		long estimate = estimate(request);
		Map<String, Object> body = request.toBody(this.defaultModel, true);
		long start = System.nanoTime();
		Observed observed = this.metrics.requestStarted(model, "chat");
		return Flux.defer(() -> {
			AtomicBoolean started = new AtomicBoolean();
			return this.gate.runMany(() -> this.quota.admit(estimate)
				.thenMany(this.transport.stream(body, model)
					.doOnSubscribe((subscription) -> this.inFlight.incrementAndGet())
					.doFinally((signal) -> this.inFlight.decrementAndGet())
					.doOnNext((chunk) -> started.set(true))
					.onErrorMap((ex) -> started.get() ? new AiGatewayException("Stream broke after it started", model,
							0, null, null, false, ex) : ex))
				.onErrorResume((ex) -> afterFailedAttempt(ex, model, estimate)));
		})
			.transform(RetryOperator.of(this.retry))
			.transform((chunks) -> withinTotalTimeout(chunks, model))
			.concatMap((chunk) -> (chunk.usage() != null)
					? account(model, estimate, chunk.usage()).doOnSuccess((done) -> observeUsage(observed, chunk.usage()))
						.thenReturn(chunk)
					: Mono.just(chunk))
			.doOnComplete(() -> completed(model, "success", start, observed, null))
			.doOnError((ex) -> completed(model, outcome(ex), start, observed, ex))
			.doOnCancel(() -> observed.end("cancelled", null));
	}

	/**
	 * Runs every request, at most {@code concurrency} at a time, and yields exactly one
	 * {@link BatchResult} per request, in input order, whatever fails. Progress is metered
	 * ({@code baton.ai.batch.*}) and logged at DEBUG every 10%.
	 * @throws IllegalArgumentException if {@code concurrency} is below 1
	 */
	public Flux<BatchResult> chatAll(List<ChatRequest> requests, int concurrency) {
		if (concurrency < 1) {
			throw new IllegalArgumentException("chatAll concurrency must be at least 1, got " + concurrency);
		}
		List<ChatRequest> batch = List.copyOf(requests);
		return Flux.defer(() -> {
			BatchProgress.Tracker tracker = this.batches.start(batch.size());
			return Flux.range(0, batch.size())
				.flatMapSequential((index) -> Mono.defer(() -> chat(batch.get(index)))
					.map((completion) -> new BatchResult(index, batch.get(index), completion, null))
					.onErrorResume((ex) -> Mono.just(new BatchResult(index, batch.get(index), null, ex))), concurrency)
				.doOnNext(tracker::resultIn)
				.doFinally((signal) -> tracker.finish());
		});
	}

	/**
	 * What this client may still spend now: requests and tokens left in the window, a pause
	 * after a 429 in force, the concurrency slots in use. Reads without spending: a budget shared
	 * by the cluster is read from Redis by a read-only script (bounded by the Redis timeout), and
	 * when Redis does not answer, this instance's fallback share is given instead
	 * ({@link AiBudgets.Scope#LOCAL_FALLBACK}).
	 * @return the budgets; never fails
	 */
	public Mono<AiBudgets> budgets() {
		return Mono.defer(() -> this.quota.budgets(this.gate.calls()));
	}

	/** The usage this client has billed. */
	public UsageLedger usage() {
		return this.ledger;
	}

	private Mono<ChatCompletion> withRetries(ChatRequest request, String model) {
		long estimate = estimate(request);
		Map<String, Object> body = request.toBody(this.defaultModel, false);
		long start = System.nanoTime();
		Observed observed = this.metrics.requestStarted(model, "chat");
		return Mono.defer(() -> this.gate.run(() -> this.quota.admit(estimate)
			.then(send(body, model))
			.onErrorResume((ex) -> afterFailedAttempt(ex, model, estimate))))
			.transform(RetryOperator.of(this.retry))
			.timeout(this.totalTimeout, Mono.error(() -> gaveUp(model)))
			.flatMap((completion) -> account(model, estimate, completion.usage()).thenReturn(completion))
			.doOnSuccess((completion) -> {
				observed.detail("gen_ai.response.model", completion.model());
				observeUsage(observed, completion.usage());
				completed(model, "success", start, observed, null);
			})
			.doOnError((ex) -> completed(model, outcome(ex), start, observed, ex))
			.doOnCancel(() -> observed.end("cancelled", null));
	}

	private Mono<ChatCompletion> send(Map<String, Object> body, String model) {
		return this.transport.complete(body, model)
			.transform(TimeLimiterOperator.of(this.timeLimiter))
			.onErrorMap(TimeoutException.class, (ex) -> new AiGatewayException("No answer within "
					+ this.timeLimiter.getTimeLimiterConfig().getTimeoutDuration(), model, 0, null, null, true, ex))
			.doOnSubscribe((subscription) -> this.inFlight.incrementAndGet())
			.doFinally((signal) -> this.inFlight.decrementAndGet());
	}

	/** Gives the unused reservation back and, on a 429, holds back every caller. */
	private <T> Mono<T> afterFailedAttempt(Throwable ex, String model, long estimate) {
		Mono<Void> cleanup = this.quota.settle(-estimate);
		if (ex instanceof AiGatewayException upstream && upstream.getStatus() == 429) {
			this.metrics.rateLimited(model);
			Duration hint = (upstream.getRetryAfter() != null) ? upstream.getRetryAfter() : this.pauseWithoutHint;
			cleanup = cleanup.then(this.quota.pause(hint));
		}
		return cleanup.then(Mono.error(ex));
	}

	private Mono<Void> account(String model, long estimate, @Nullable TokenUsage usage) {
		TokenUsage billed = (usage != null) ? usage : TokenUsage.ZERO;
		return this.quota.settle(billed.promptTokens() + billed.completionTokens() - estimate)
			.then(this.ledger.record(model, billed));
	}

	private long estimate(ChatRequest request) {
		return request.estimatePromptTokens()
				+ ((request.maxTokens() != null) ? request.maxTokens() : this.assumedCompletionTokens);
	}

	private void completed(String model, String outcome, long startNanos, Observed observed, @Nullable Throwable error) {
		this.metrics.requestCompleted(model, outcome, Duration.ofNanos(System.nanoTime() - startNanos));
		observed.end(outcome, error);
	}

	private static void observeUsage(Observed observed, @Nullable TokenUsage usage) {
		if (usage != null) {
			observed.detail("gen_ai.usage.input_tokens", Long.toString(usage.promptTokens()))
				.detail("gen_ai.usage.output_tokens", Long.toString(usage.completionTokens()))
				.detail("gen_ai.usage.total_tokens", Long.toString(usage.promptTokens() + usage.completionTokens()));
		}
	}

	private static String outcome(Throwable ex) {
		if (ex instanceof AiGatewayException upstream) {
			return (upstream.getStatus() == 0) ? "no_answer" : (upstream.getStatus() == 429) ? "rate_limited"
					: (upstream.getStatus() >= 500) ? "server_error" : (upstream.getStatus() >= 400) ? "client_error"
							: "bad_response";
		}
		return (ex instanceof TimeoutException) ? "timeout" : "error";
	}

	private static String modelOf(@Nullable Throwable ex) {
		return (ex instanceof AiGatewayException upstream) ? upstream.getModel() : "unknown";
	}

}
