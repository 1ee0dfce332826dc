package dev.baton.ai;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import dev.baton.json.JsonCodec;
import dev.baton.json.JsonCodecException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * One HTTP exchange with {@code POST <base-url>/chat/completions}, and the translation of
 * whatever comes back into a record or an {@link AiGatewayException}: bodies are read as
 * text and parsed here, so a non-JSON or malformed body becomes an exception with the status
 * and the start of the body, never a {@code NullPointerException} or a codec error.
 */
final class ChatTransport {

	private static final Set<Integer> RETRYABLE = Set.of(429, 500, 502, 503, 504);

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENTS = new ParameterizedTypeReference<>() {
	};

	private final WebClient webClient;

	/** Built now, with their (de)serializers: building one later would take Jackson's cache lock on an event loop. */
	private final JsonCodec.JsonType requests;

	private final Map<Class<?>, JsonCodec.JsonType> responses;

	private final Clock clock;

	private final Duration maxRetryPause;

	private final AiGatewayMetrics metrics;

	/**
	 * @param maxRetryPause the longest a server's retry hint may hold callers back: a longer one is
	 * capped to it and counted ({@link AiGatewayMetrics#retryHintCapped})
	 */
	ChatTransport(WebClient webClient, JsonCodec json, Clock clock, Duration maxRetryPause, AiGatewayMetrics metrics) {
		this.webClient = webClient;
		this.maxRetryPause = maxRetryPause;
		this.metrics = metrics;
		this.requests = json.type(Map.class);
		this.responses = Map.of(ChatCompletion.class, json.type(ChatCompletion.class), ChatChunk.class,
				json.type(ChatChunk.class));
		this.clock = clock;
	}

	Mono<ChatCompletion> complete(Map<String, Object> body, String model) {
		return this.webClient.post()
			.uri("/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(this.requests.write(body))
			.exchangeToMono((response) -> response.bodyToMono(String.class)
				.defaultIfEmpty("")
				.<ChatCompletion>handle((text, sink) -> {
					if (!response.statusCode().is2xxSuccessful()) {
						sink.error(failure(response, text, model));
						return;
					}
					ChatCompletion completion = parse(text, ChatCompletion.class, response.statusCode(), model);
					if (completion.choices().isEmpty()) {
						sink.error(new AiGatewayException("Response has no choices", model,
								response.statusCode().value(), text, null, false, null));
						return;
					}
					sink.next(completion);
				}))
			.onErrorMap(WebClientRequestException.class, (ex) -> unreachable(ex, model));
	}

	Flux<ChatChunk> stream(Map<String, Object> body, String model) {
		return this.webClient.post()
			.uri("/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(this.requests.write(body))
			.exchangeToFlux((response) -> {
				if (!response.statusCode().is2xxSuccessful()) {
					return response.bodyToMono(String.class)
						.defaultIfEmpty("")
						.flatMapMany((text) -> Flux.error(failure(response, text, model)));
				}
				return response.bodyToFlux(EVENTS)
					.mapNotNull(ServerSentEvent::data)
					.takeWhile((data) -> !"[DONE]".equals(data.trim()))
					.map((data) -> parse(data, ChatChunk.class, response.statusCode(), model));
			})
			.onErrorMap(WebClientRequestException.class, (ex) -> unreachable(ex, model));
	}

	private <T> T parse(String text, Class<T> type, HttpStatusCode status, String model) {
		try {
			T value = type.cast(this.responses.get(type).read(text));
			if (value == null) {
				throw new AiGatewayException("Empty response body", model, status.value(), text, null, false, null);
			}
			return value;
		}
		catch (JsonCodecException ex) {
			throw new AiGatewayException("Response is not the expected JSON", model, status.value(), text, null, false,
					ex);
		}
	}

	private AiGatewayException failure(ClientResponse response, String text, String model) {
		int status = response.statusCode().value();
		Duration retryAfter = RetryHints.fromHeaders(response.headers().asHttpHeaders(), this.clock);
		if (retryAfter != null && retryAfter.compareTo(this.maxRetryPause) > 0) {
			// One server's "come back tomorrow" must not pause every caller of the cluster for a day.
			this.metrics.retryHintCapped(model);
			retryAfter = this.maxRetryPause;
		}
		return new AiGatewayException("Upstream answered " + status, model, status, text, retryAfter,
				RETRYABLE.contains(status), null);
	}

	private static AiGatewayException unreachable(WebClientRequestException ex, String model) {
		return new AiGatewayException("No answer from " + ex.getUri().getHost() + ": " + ex.getMostSpecificCause(),
				model, 0, null, null, true, ex);
	}

}
