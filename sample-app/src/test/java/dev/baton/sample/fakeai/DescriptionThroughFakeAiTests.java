package dev.baton.sample.fakeai;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.ai.AiGatewayClient;
import dev.baton.ai.TokenUsage;
import dev.baton.sample.HttpJson;
import dev.baton.sample.HttpJson.Answer;
import dev.baton.sample.SampleAppTest;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 100 descriptions at once through Baton's AI client against the app's own fake endpoint, which
 * answers some of them 429: every one succeeds, and the tokens the fake billed are exactly
 * the tokens the client counted.
 */
@SampleAppTest
class DescriptionThroughFakeAiTests {

	static final int REQUESTS = 100;

	@LocalServerPort
	int port;

	@Autowired
	FakeAiLedger fake;

	@Autowired
	AiGatewayClient ai;

	@Autowired
	MeterRegistry meters;

	@Test
	void hundredDescriptionsSucceedThroughThe429sWithTokensCountedExactly() {
		TokenUsage clientBefore = clientTotals();
		long promptBefore = this.fake.promptTokens();
		long completionBefore = this.fake.completionTokens();
		long tooManyBefore = this.fake.tooManyRequests();
		double meteredPromptBefore = tokensMeter("prompt");
		double meteredCompletionBefore = tokensMeter("completion");

		List<Answer> answers = describeAll();

		assertThat(answers).allSatisfy((answer) -> assertThat(answer.status()).as(answer.body()).isEqualTo(200));
		long prompt = answers.stream().mapToLong((answer) -> answer.json().path("promptTokens").asLong()).sum();
		long completion = answers.stream().mapToLong((answer) -> answer.json().path("completionTokens").asLong()).sum();
		assertThat(prompt).isPositive();
		assertThat(this.fake.tooManyRequests() - tooManyBefore).as("429s the fake answered").isPositive();
		assertThat(this.fake.promptTokens() - promptBefore).isEqualTo(prompt);
		assertThat(this.fake.completionTokens() - completionBefore).isEqualTo(completion);
		TokenUsage clientAfter = clientTotals();
		assertThat(clientAfter.promptTokens() - clientBefore.promptTokens()).isEqualTo(prompt);
		assertThat(clientAfter.completionTokens() - clientBefore.completionTokens()).isEqualTo(completion);
		assertThat(tokensMeter("prompt") - meteredPromptBefore).isEqualTo(prompt);
		assertThat(tokensMeter("completion") - meteredCompletionBefore).isEqualTo(completion);
	}

	@Test
	void descriptionNamesTheProductAndTheModel() {
		JsonNode description = new HttpJson()
			.send("POST", url("lamp-7"), "{\"tone\": \"calm\"}")
			.json();
		assertThat(description.path("sku").asText()).isEqualTo("lamp-7");
		assertThat(description.path("description").asText()).isNotBlank();
		assertThat(description.path("model").asText()).isEqualTo("fake-gpt");
	}

	private List<Answer> describeAll() {
		HttpJson http = new HttpJson();
		List<CompletableFuture<Answer>> calls = new ArrayList<>();
		for (int i = 0; i < REQUESTS; i++) {
			calls.add(http.sendAsync("POST", url("sku-" + i), null));
		}
		return calls.stream().map(CompletableFuture::join).toList();
	}

	private TokenUsage clientTotals() {
		Map<String, TokenUsage> totals = this.ai.usage().totals();
		return totals.getOrDefault("fake-gpt", TokenUsage.ZERO);
	}

	private double tokensMeter(String type) {
		var counter = this.meters.find("baton.ai.tokens").tag("type", type).counter();
		return (counter != null) ? counter.count() : 0;
	}

	private String url(String sku) {
		return "http://127.0.0.1:" + this.port + "/api/products/" + sku + "/description";
	}

}
