package dev.baton.sample;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** Actuator: health with Redis, info, and the meters of the purchase, product and description paths. */
@SampleAppTest
class ObservabilityTests {

	@LocalServerPort
	int port;

	final HttpJson http = new HttpJson();

	@Test
	void healthIsUpWithRedis() {
		HttpJson.Answer health = this.http.get(url("/actuator/health"));
		assertThat(health.json().path("status").asText()).isEqualTo("UP");
		assertThat(health.json().path("components").path("redis").path("status").asText()).isEqualTo("UP");
	}

	@Test
	void infoNamesTheDemo() {
		assertThat(this.http.get(url("/actuator/info")).json().path("app").path("name").asText())
			.isEqualTo("Baton flash-sale demo");
	}

	@Test
	void prometheusShowsTheMetersOfEveryPath() {
		String sku = "obs-" + UUID.randomUUID().toString().substring(0, 8);
		this.http.send("PUT", url("/api/flash-sales/" + sku), "{\"stock\": 1}");
		assertThat(this.http.send("POST", url("/api/flash-sales/" + sku + "/orders"), "{\"userId\": \"u-1\"}").status())
			.isEqualTo(201);
		assertThat(this.http.get(url("/api/products/" + sku)).status()).isEqualTo(200);
		assertThat(this.http.send("POST", url("/api/products/" + sku + "/description"), null).status()).isEqualTo(200);

		String prometheus = this.http.get(url("/actuator/prometheus")).body();

		assertThat(prometheus).containsPattern("baton_lock_acquire_seconds_count\\{[^}]*name=\"flash-sale.purchase\"")
			.containsPattern("baton_lock_held_seconds_count\\{[^}]*name=\"flash-sale.purchase\"")
			.contains("baton_lock_active")
			.containsPattern("baton_mutex_wait_seconds_count\\{[^}]*name=\"flash-sale.buyer\"")
			.contains("baton_mutex_keys")
			.contains("sample_product_loads_total")
			.containsPattern("baton_singleflight_calls_total\\{[^}]*name=\"product\"")
			.containsPattern("baton_ai_requests_seconds_count\\{[^}]*outcome=\"success\"")
			.containsPattern("baton_ai_tokens_total\\{[^}]*type=\"completion\"")
			.doesNotContain(sku);
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

}
