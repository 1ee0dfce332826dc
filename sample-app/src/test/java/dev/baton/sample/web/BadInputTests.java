package dev.baton.sample.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import dev.baton.sample.HttpJson;
import dev.baton.sample.HttpJson.Answer;
import dev.baton.sample.SampleAppTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets a 4xx with a JSON {@code {"error", "message"}} naming the problem, never a stack trace. */
@SampleAppTest
class BadInputTests {

	@LocalServerPort
	int port;

	final HttpJson http = new HttpJson();

	@BeforeEach
	void openSale() {
		assertThat(send("PUT", "/api/flash-sales/bad-input", "{\"stock\": 10}").status()).isEqualTo(200);
	}

	@Test
	void invalidJsonIsABadRequest() {
		assertBadRequest(send("POST", "/api/flash-sales/bad-input/orders", "{\"userId\": "), "Malformed JSON");
	}

	@Test
	void missingBodyIsABadRequest() {
		assertBadRequest(send("POST", "/api/flash-sales/bad-input/orders", null), "body is missing");
	}

	@Test
	void negativeStockIsABadRequest() {
		assertBadRequest(send("PUT", "/api/flash-sales/bad-input", "{\"stock\": -1}"), "stock");
	}

	@Test
	void stockOfTheWrongTypeIsABadRequest() {
		assertBadRequest(send("PUT", "/api/flash-sales/bad-input", "{\"stock\": \"lots\"}"), "'stock'");
	}

	@Test
	void tenKilobyteUserIdIsABadRequest() {
		String userId = "u".repeat(10 * 1024);
		assertBadRequest(send("POST", "/api/flash-sales/bad-input/orders", "{\"userId\": \"" + userId + "\"}"),
				"userId");
	}

	@Test
	void blankOrMissingUserIsABadRequest() {
		assertBadRequest(send("POST", "/api/flash-sales/bad-input/orders", "{\"userId\": \"  \"}"), "userId");
		assertBadRequest(send("POST", "/api/flash-sales/bad-input/orders", "{}"), "userId");
	}

	@Test
	void badSkuIsABadRequest() {
		assertBadRequest(send("PUT", "/api/flash-sales/no%7Bbraces%7D", "{\"stock\": 1}"), "sku");
		assertBadRequest(send("GET", "/api/products/" + "x".repeat(65), null), "sku");
	}

	@Test
	void overlongDescriptionToneIsABadRequest() {
		assertBadRequest(send("POST", "/api/products/lamp/description", "{\"tone\": \"" + "x".repeat(41) + "\"}"),
				"tone");
	}

	@Test
	void unknownSkuIsNotFound() {
		Answer answer = send("GET", "/api/flash-sales/never-opened", null);
		assertThat(answer.status()).isEqualTo(404);
		assertThat(answer.error()).isEqualTo("UNKNOWN_SALE");
	}

	@Test
	void unknownPathAndWrongMethodAreJsonErrors() {
		Answer unknown = send("GET", "/api/nothing-here", null);
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.error()).isEqualTo("NOT_FOUND");
		Answer wrongMethod = send("DELETE", "/api/flash-sales/bad-input", null);
		assertThat(wrongMethod.status()).isEqualTo(405);
		assertThat(wrongMethod.error()).isEqualTo("METHOD_NOT_ALLOWED");
	}

	@Test
	void aLimitThatIsNotANumberIsABadRequestNotAServerError() {
		assertBadRequest(send("GET", "/api/flash-sales/bad-input/orders?limit=abc", null), "limit");
	}

	@Test
	void aBodyOver16KilobytesIsTooLargeBeforeItIsParsed() {
		String large = "{\"userId\": \"" + "u".repeat(17 * 1024) + "\"}";
		assertTooLarge(send("POST", "/api/flash-sales/bad-input/orders", large));
		// Not JSON at all: still 413, so nothing parsed it.
		assertTooLarge(send("POST", "/api/flash-sales/bad-input/orders", "{" + "x".repeat(17 * 1024)));
		// Without a Content-Length (chunked), the body is cut off as it is read.
		assertTooLarge(sendChunked("/api/flash-sales/bad-input/orders", large));
		assertThat(send("POST", "/api/flash-sales/bad-input/orders", "{\"userId\": \"small-body\"}").status())
			.isEqualTo(201);
	}

	@Test
	void theFakeAiEndpointAnswers400ToNegativeMaxTokensAndMalformedMessages() {
		String path = "/fake-ai/v1/chat/completions";
		String fine = "[{\"role\": \"user\", \"content\": \"hi\"}]";
		assertThat(send("POST", path, "{\"messages\": " + fine + ", \"max_tokens\": 5}").status()).isEqualTo(200);
		assertFakeAiRejects(send("POST", path, "{\"messages\": " + fine + ", \"max_tokens\": -1}"), "max_tokens");
		assertFakeAiRejects(send("POST", path, "{\"messages\": " + fine + ", \"max_tokens\": \"many\"}"),
				"max_tokens");
		assertFakeAiRejects(send("POST", path, "{\"messages\": \"hi\"}"), "messages");
		assertFakeAiRejects(send("POST", path, "{\"messages\": [1, 2]}"), "messages");
		assertFakeAiRejects(send("POST", path, "{\"messages\": [{\"role\": \"user\"}]}"), "messages");
		assertFakeAiRejects(send("POST", path, "{\"messages\": []}"), "messages");
		assertFakeAiRejects(send("POST", path, "{}"), "messages");
	}

	private static void assertFakeAiRejects(Answer answer, String param) {
		assertThat(answer.status()).as(answer.body()).isEqualTo(400);
		assertThat(answer.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
		assertThat(answer.json().path("error").path("param").asText()).isEqualTo(param);
		assertThat(answer.body()).doesNotContain("Exception", "\tat ");
	}

	private static void assertTooLarge(Answer answer) {
		assertThat(answer.status()).as(answer.body()).isEqualTo(413);
		assertThat(answer.error()).isEqualTo("PAYLOAD_TOO_LARGE");
		assertThat(answer.body()).doesNotContain("Exception", "\tat ");
	}

	private Answer sendChunked(String path, String body) {
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers
					.ofInputStream(() -> new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
				.build();
			HttpResponse<String> response = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.build()
				.send(request, HttpResponse.BodyHandlers.ofString());
			return new Answer(response.statusCode(), response.body(), Optional.empty());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private void assertBadRequest(Answer answer, String mentioned) {
		assertThat(answer.status()).as(answer.body()).isEqualTo(400);
		assertThat(answer.error()).isEqualTo("BAD_REQUEST");
		assertThat(answer.json().path("message").asText()).contains(mentioned);
		assertThat(answer.body()).doesNotContain("Exception", "\tat ", "dev.baton");
	}

	private Answer send(String method, String path, String body) {
		return this.http.send(method, "http://127.0.0.1:" + this.port + path, body);
	}

}
