package dev.baton.ai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.baton.json.JsonCodec;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * An OpenAI-compatible {@code POST /v1/chat/completions} on 127.0.0.1 and a free port, for
 * tests (and the sample app's tests). It answers {@code "echo: <last message>"} with a
 * {@code usage}; enforces its own limit of requests per window, answering 429 with
 * {@code Retry-After} (whole seconds) or {@code x-ratelimit-reset-requests} (milliseconds);
 * fails a seeded random share of calls with 503; streams server-sent events for
 * {@code stream=true}; and records what it saw: arrivals per window, the highest number of
 * requests in flight at once, and counts by outcome.
 * <p>
 * Messages {@code __garbage__} and {@code __bad_request__} get a 200 with an HTML body and a
 * 400, to test bad upstreams.
 */
public final class FakeOpenAiServer implements AutoCloseable {

	/** How a 429 tells when to come back. */
	public enum RetryHint {

		/** {@code Retry-After: <whole seconds>}, rounded up. */
		RETRY_AFTER_SECONDS,

		/** {@code x-ratelimit-reset-requests: <n>ms}. */
		RESET_REQUESTS_MILLIS

	}

	private static final JsonCodec.JsonType json = JsonCodec.standard().type(Map.class);

	private final int limitPerWindow;

	private final Duration window;

	private final RetryHint hint;

	private final double failureRatio;

	private final Random random;

	private final Duration latency;

	private volatile long startNanos = System.nanoTime();

	/** Set by {@link #startWindowsAtNextRequest()}, cleared by the request that starts them. */
	private volatile boolean windowsFromNextRequest;

	private final Map<Long, AtomicInteger> arrivals = new ConcurrentHashMap<>();

	private final Map<Long, AtomicInteger> accepted = new ConcurrentHashMap<>();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger highWater = new AtomicInteger();

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong succeeded = new AtomicLong();

	private final AtomicLong rateLimited = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	/** Requests whose last message is {@code __retry_after_a_day__}: the first is answered 429 with {@code Retry-After: 86400}. */
	private final AtomicInteger dayHints = new AtomicInteger();

	/** How long a stream whose last message is {@code __drip__} takes per chunk (of about a hundred). */
	static final Duration DRIP = Duration.ofMillis(100);

	private final DisposableServer server;

	private FakeOpenAiServer(int limitPerWindow, Duration window, RetryHint hint, double failureRatio, long seed,
			Duration latency) {
		this.limitPerWindow = limitPerWindow;
		this.window = window;
		this.hint = hint;
		this.failureRatio = failureRatio;
		this.random = new Random(seed);
		this.latency = latency;
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.post("/v1/chat/completions", this::handle))
			.bindNow();
	}

	/**
	 * A server.
	 * @param limitPerWindow requests accepted per window, 0 for no limit
	 * @param window the length of a window, counted from the server's start
	 * @param hint how 429s say when to retry
	 * @param failureRatio share of accepted calls answered 503, from 0 to 1
	 * @param seed seed of the 503 draws
	 * @param latency how long each answer takes
	 */
	public static FakeOpenAiServer start(int limitPerWindow, Duration window, RetryHint hint, double failureRatio,
			long seed, Duration latency) {
		return new FakeOpenAiServer(limitPerWindow, window, hint, failureRatio, seed, latency);
	}

	/** A server without limits or failures that answers at once. */
	public static FakeOpenAiServer start() {
		return start(0, Duration.ofSeconds(1), RetryHint.RETRY_AFTER_SECONDS, 0, 1, Duration.ZERO);
	}

	/**
	 * Starts the rate-limit windows at the next request rather than at the server's start, so
	 * that a test's first request opens a window whatever the time its clients took to build.
	 */
	public void startWindowsAtNextRequest() {
		this.windowsFromNextRequest = true;
	}

	/** {@code http://127.0.0.1:<port>/v1}, the base URL of a client. */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.port() + "/v1";
	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		long arrival = System.nanoTime();
		if (this.windowsFromNextRequest) {
			synchronized (this) {
				if (this.windowsFromNextRequest) {
					this.startNanos = arrival;
					this.windowsFromNextRequest = false;
				}
			}
		}
		long start = this.startNanos;
		long windowIndex = (arrival - start) / this.window.toNanos();
		this.received.incrementAndGet();
		this.arrivals.computeIfAbsent(windowIndex, (w) -> new AtomicInteger()).incrementAndGet();
		this.highWater.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
		// A request stops counting as in flight when its answer starts: the client may see the
		// answer, and send its next request, before this server has finished flushing it.
		AtomicBoolean counted = new AtomicBoolean(true);
		Runnable done = () -> {
			if (counted.compareAndSet(true, false)) {
				this.inFlight.decrementAndGet();
			}
		};
		return request.receive()
			.aggregate()
			.asString()
			.delayElement(this.latency)
			.doOnNext((body) -> done.run())
			.flatMap((body) -> answer(body, windowIndex, arrival - start, response))
			.doFinally((signal) -> done.run());
	}

	private Mono<Void> answer(String body, long windowIndex, long sinceStart, HttpServerResponse response) {
		if (this.limitPerWindow > 0 && this.accepted.computeIfAbsent(windowIndex, (w) -> new AtomicInteger())
			.incrementAndGet() > this.limitPerWindow) {
			return tooMany(response, (windowIndex + 1) * this.window.toNanos() - sinceStart);
		}
		if (this.failureRatio > 0 && draw() < this.failureRatio) {
			this.failed.incrementAndGet();
			return send(response, HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"error\":{\"message\":\"busy\"}}");
		}
		Map<?, ?> request = read(body);
		List<?> messages = (List<?>) request.get("messages");
		String last = String.valueOf(((Map<?, ?>) messages.get(messages.size() - 1)).get("content"));
		if (last.equals("__garbage__")) {
			return send(response, HttpResponseStatus.OK, "<html>gateway says hello</html>");
		}
		if (last.equals("__retry_after_a_day__") && this.dayHints.getAndIncrement() == 0) {
			this.rateLimited.incrementAndGet();
			response.header("Retry-After", "86400");
			return send(response, HttpResponseStatus.TOO_MANY_REQUESTS, "{\"error\":{\"message\":\"come back tomorrow\"}}");
		}
		if (last.equals("__bad_request__")) {
			return send(response, HttpResponseStatus.BAD_REQUEST, "{\"error\":{\"message\":\"bad request\"}}");
		}
		this.succeeded.incrementAndGet();
		String model = String.valueOf(request.get("model"));
		Map<String, Object> usage = usage(body.length(), last.length());
		if (Boolean.TRUE.equals(request.get("stream"))) {
			return stream(response, model, "echo: " + last, usage, last.equals("__drip__") ? DRIP : Duration.ZERO);
		}
		Map<String, Object> completion = Map.of("id", "cmpl-" + this.received.get(), "object", "chat.completion",
				"model", model, "choices", List.of(Map.of("index", 0, "message",
						Map.of("role", "assistant", "content", "echo: " + last), "finish_reason", "stop")),
				"usage", usage);
		return send(response, HttpResponseStatus.OK, write(completion));
	}

	private Mono<Void> tooMany(HttpServerResponse response, long remainingNanos) {
		this.rateLimited.incrementAndGet();
		if (this.hint == RetryHint.RETRY_AFTER_SECONDS) {
			response.header("Retry-After", Long.toString((remainingNanos + 999_999_999) / 1_000_000_000));
		}
		else {
			response.header("x-ratelimit-reset-requests", ((remainingNanos + 999_999) / 1_000_000) + "ms");
		}
		return send(response, HttpResponseStatus.TOO_MANY_REQUESTS, "{\"error\":{\"message\":\"slow down\"}}");
	}

	private Mono<Void> stream(HttpServerResponse response, String model, String text, Map<String, Object> usage,
			Duration pause) {
		List<String> events = new ArrayList<>();
		String[] words = pause.isZero() ? text.split(" ") : ("drip " + "drop ".repeat(100)).split(" ");
		for (int i = 0; i < words.length; i++) {
			String piece = (i == 0) ? words[i] : " " + words[i];
			events.add(write(Map.of("id", "stream", "model", model, "choices",
					List.of(Map.of("index", 0, "delta", Map.of("content", piece))))));
		}
		events.add(write(Map.of("id", "stream", "model", model, "choices", List.of(), "usage", usage)));
		events.add("[DONE]");
		Flux<String> paced = pause.isZero() ? Flux.fromIterable(events) : Flux.fromIterable(events).delayElements(pause);
		return response.status(HttpResponseStatus.OK)
			.header("Content-Type", "text/event-stream")
			.sendString(paced.map((event) -> "data: " + event + "\n\n"))
			.then();
	}

	private static Map<String, Object> usage(int bodyLength, int lastLength) {
		int prompt = bodyLength / 4 + 1;
		int completion = lastLength % 17 + 3;
		return Map.of("prompt_tokens", prompt, "completion_tokens", completion, "total_tokens", prompt + completion);
	}

	private synchronized double draw() {
		return this.random.nextDouble();
	}

	private static Mono<Void> send(HttpServerResponse response, HttpResponseStatus status, String body) {
		return response.status(status).header("Content-Type", "application/json").sendString(Mono.just(body)).then();
	}

	private static Map<?, ?> read(String body) {
		try {
			return (Map<?, ?>) json.read(body);
		}
		catch (Exception ex) {
			throw new IllegalArgumentException("not JSON: " + body, ex);
		}
	}

	private static String write(Object value) {
		try {
			return json.write(value);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Requests that arrived in each window (429s included), by window index. */
	public SortedMap<Long, Integer> arrivalsPerWindow() {
		SortedMap<Long, Integer> copy = new TreeMap<>();
		this.arrivals.forEach((window, count) -> copy.put(window, count.get()));
		return copy;
	}

	/** The most requests this server was handling at once. */
	public int highWaterMark() {
		return this.highWater.get();
	}

	public long received() {
		return this.received.get();
	}

	public long succeeded() {
		return this.succeeded.get();
	}

	public long rateLimited() {
		return this.rateLimited.get();
	}

	/** Calls answered 503. */
	public long failed() {
		return this.failed.get();
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

}
