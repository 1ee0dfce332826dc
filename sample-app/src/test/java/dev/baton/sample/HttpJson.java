package dev.baton.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A JSON HTTP client for tests that reads every status as an answer, never as an exception. */
public final class HttpJson {

	private static final ObjectMapper json = new ObjectMapper();

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	public Answer get(String url) {
		return send("GET", url, null);
	}

	public Answer send(String method, String url, String body) {
		return sendAsync(method, url, body).join();
	}

	public CompletableFuture<Answer> sendAsync(String method, String url, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(60))
			.header("Content-Type", "application/json")
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body)
					: HttpRequest.BodyPublishers.noBody());
		return this.client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
			.thenApply((response) -> new Answer(response.statusCode(), response.body(),
					response.headers().firstValue("Retry-After")));
	}

	/** A status, the body as text, and the {@code Retry-After} header if any. */
	public record Answer(int status, String body, Optional<String> retryAfter) {

		public JsonNode json() {
			try {
				return HttpJson.json.readTree(this.body);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Not JSON (status " + this.status + "): " + this.body, ex);
			}
		}

		/** The {@code error} code of an error answer. */
		public String error() {
			return json().path("error").asText(null);
		}

	}

}
