package dev.baton.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A minimal OpenAI-compatible endpoint for the AI benchmark, on the JDK's HTTP server: it
 * accepts {@code limitPerSecond} requests per one-second window and answers the rest 429 with
 * {@code Retry-After: 1}, like a provider's account limit. Deliberately smaller than the
 * tests' {@code FakeOpenAiServer} (which the benchmarks cannot depend on): no failures, no
 * streaming, only the counts a benchmark reports.
 */
final class RateLimitedAiEndpoint implements AutoCloseable {

	private static final String ANSWER = "{\"id\":\"b\",\"model\":\"bench\",\"choices\":[{\"index\":0,"
			+ "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
			+ "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}";

	private final int limitPerSecond;

	private final Duration latency;

	private final long start = System.nanoTime();

	private final AtomicLong window = new AtomicLong(-1);

	private final AtomicInteger inWindow = new AtomicInteger();

	private final AtomicLong accepted = new AtomicLong();

	private final AtomicLong rejected = new AtomicLong();

	private final ExecutorService executor = Executors.newFixedThreadPool(64);

	private final HttpServer server;

	RateLimitedAiEndpoint(int limitPerSecond, Duration latency) throws IOException {
		this.limitPerSecond = limitPerSecond;
		this.latency = latency;
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
		this.server.createContext("/v1/chat/completions", this::handle);
		this.server.setExecutor(this.executor);
		this.server.start();
	}

	String baseUrl() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1";
	}

	long accepted() {
		return this.accepted.get();
	}

	long rejected() {
		return this.rejected.get();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (InputStream body = exchange.getRequestBody()) {
			body.readAllBytes();
		}
		if (!admit()) {
			this.rejected.incrementAndGet();
			exchange.getResponseHeaders().set("Retry-After", "1");
			reply(exchange, 429, "{\"error\":{\"message\":\"rate limited\"}}");
			return;
		}
		this.accepted.incrementAndGet();
		try {
			Thread.sleep(this.latency.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		reply(exchange, 200, ANSWER);
	}

	private synchronized boolean admit() {
		long current = (System.nanoTime() - this.start) / 1_000_000_000L;
		if (this.window.getAndSet(current) != current) {
			this.inWindow.set(0);
		}
		return this.inWindow.incrementAndGet() <= this.limitPerSecond;
	}

	private static void reply(HttpExchange exchange, int status, String text) throws IOException {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
