package dev.baton.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import dev.baton.ai.AiGatewayClient;
import dev.baton.ai.BatchResult;
import dev.baton.ai.ChatRequest;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * The AI gateway client against a provider that allows {@code serverRate} requests per
 * second and answers 429 beyond: Baton configured at 90% of that rate, and a naive peer (a
 * plain WebClient with a resilience4j Retry and exponential backoff, no client-side limiter),
 * each sending the same batch with the same concurrency to a fresh endpoint.
 * <p>
 * Arguments: {@code [serverRate=50] [seconds=20] [concurrency=32]}.
 */
public final class AiBenchmark {

	private AiBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		// Without a logback.xml, logback logs everything at DEBUG; the table is what matters here.
		((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
			.setLevel(ch.qos.logback.classic.Level.WARN);
		int serverRate = (args.length > 0) ? Integer.parseInt(args[0]) : 50;
		int seconds = (args.length > 1) ? Integer.parseInt(args[1]) : 20;
		int concurrency = (args.length > 2) ? Integer.parseInt(args[2]) : 32;
		int clientRate = serverRate * 9 / 10;
		int requests = clientRate * seconds;
		Duration latency = Duration.ofMillis(20);
		List<ChatRequest> batch = IntStream.range(0, requests).mapToObj((i) -> ChatRequest.of("q" + i)).toList();

		Row baton;
		try (RateLimitedAiEndpoint endpoint = new RateLimitedAiEndpoint(serverRate, latency)) {
			AiGatewayClient client = AiGatewayClient.builder()
				.baseUrl(endpoint.baseUrl())
				.model("bench")
				.maxConcurrency(concurrency)
				.requestsPerPeriod(clientRate * 60L)
				.build();
			long started = System.nanoTime();
			List<BatchResult> results = client.chatAll(batch, concurrency).collectList().block();
			long ok = results.stream().filter(BatchResult::isSuccess).count();
			baton = new Row("Baton AiGatewayClient, " + clientRate + " req/s configured", requests, ok,
					endpoint.rejected(), System.nanoTime() - started, serverRate, clientRate);
		}

		Row naive;
		try (RateLimitedAiEndpoint endpoint = new RateLimitedAiEndpoint(serverRate, latency)) {
			naive = naive(endpoint, batch, concurrency, serverRate);
		}

		System.out.printf(Locale.ROOT, "%nAI gateway: %d requests, concurrency %d, provider limit %d req/s "
				+ "(429 + Retry-After beyond), %d ms latency%n%n", requests, concurrency, serverRate, latency.toMillis());
		System.out.println("| Client | Succeeded | Server 429s | Elapsed (s) | Throughput (req/s) "
				+ "| / provider limit | / configured rate |");
		System.out.println("|---|---|---|---|---|---|---|");
		baton.print();
		naive.print();
	}

	private static Row naive(RateLimitedAiEndpoint endpoint, List<ChatRequest> batch, int concurrency,
			int serverRate) {
		WebClient webClient = WebClient.builder().baseUrl(endpoint.baseUrl()).build();
		Retry retry = Retry.of("naive", RetryConfig.custom()
			.maxAttempts(10)
			.intervalFunction(IntervalFunction.ofExponentialBackoff(Duration.ofMillis(100), 2, Duration.ofSeconds(5)))
			.retryOnException((ex) -> ex instanceof WebClientResponseException response
					&& (response.getStatusCode().value() == 429 || response.getStatusCode().is5xxServerError()))
			.build());
		AtomicLong ok = new AtomicLong();
		long started = System.nanoTime();
		Flux.fromIterable(batch)
			.flatMap((request) -> webClient.post()
				.uri("/chat/completions")
				.bodyValue(java.util.Map.of("model", "bench", "messages", request.messages()))
				.retrieve()
				.bodyToMono(String.class)
				.transform(RetryOperator.of(retry))
				.doOnNext((body) -> ok.incrementAndGet())
				.onErrorResume((ex) -> Mono.empty()), concurrency)
			.blockLast();
		return new Row("Naive: WebClient + resilience4j Retry, no limiter", batch.size(), ok.get(), endpoint.rejected(),
				System.nanoTime() - started, serverRate, 0);
	}

	private record Row(String client, int requests, long succeeded, long rejected, long nanos, int serverRate,
			int configuredRate) {

		void print() {
			double elapsed = this.nanos / 1e9;
			double throughput = this.succeeded / elapsed;
			String configured = (this.configuredRate > 0)
					? String.format(Locale.ROOT, "%.2f", throughput / this.configuredRate) : "n/a";
			System.out.printf(Locale.ROOT, "| %s | %d / %d | %d | %.1f | %.1f | %.2f | %s |%n", this.client,
					this.succeeded, this.requests, this.rejected, elapsed, throughput, throughput / this.serverRate,
					configured);
		}

	}

}
