package dev.baton.sample.web;

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
