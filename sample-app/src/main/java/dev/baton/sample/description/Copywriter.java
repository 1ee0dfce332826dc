package dev.baton.sample.description;

import java.util.List;
import java.util.concurrent.TimeoutException;

import dev.baton.ai.AiGatewayClient;
import dev.baton.ai.AiGatewayException;
import dev.baton.ai.ChatCompletion;
import dev.baton.ai.ChatMessage;
import dev.baton.ai.ChatRequest;
import dev.baton.ai.TokenUsage;
import dev.baton.sample.web.ApiException;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/**
 * Writes product blurbs with whatever {@code baton.ai.base-url} points at: the app's own fake
 * endpoint by default, a real provider when {@code BATON_AI_BASE_URL} is set.
 */
@Service
final class Copywriter {

	private static final String INSTRUCTIONS = "You write one short, upbeat marketing paragraph for an online shop. "
			+ "No prices, no promises about delivery.";

	private static final int MAX_TOKENS = 120;

	private final ObjectProvider<AiGatewayClient> ai;

	Copywriter(ObjectProvider<AiGatewayClient> ai) {
		this.ai = ai;
	}

	Mono<Description> describe(String sku, DescriptionRequest request) {
		AiGatewayClient client = this.ai.getIfAvailable();
		if (client == null) {
			return Mono.error(new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "AI_NOT_CONFIGURED",
					"No AI endpoint: set BATON_AI_BASE_URL or run with the fake-ai profile"));
		}
		ChatRequest chat = ChatRequest
			.of(List.of(ChatMessage.system(INSTRUCTIONS),
					ChatMessage.user("Product " + sku + ". Tone: " + request.toneOrDefault() + ".")))
			.withMaxTokens(MAX_TOKENS);
		return client.chat(chat).map((completion) -> describe(sku, completion)).onErrorMap(Copywriter::translate);
	}

	private static Description describe(String sku, ChatCompletion completion) {
		TokenUsage usage = (completion.usage() != null) ? completion.usage() : TokenUsage.ZERO;
		return new Description(sku, completion.content(), completion.model(), usage.promptTokens(),
				usage.completionTokens());
	}

	private static Throwable translate(Throwable ex) {
		if (ex instanceof AiGatewayException upstream) {
			return new ApiException(HttpStatus.BAD_GATEWAY, "AI_UPSTREAM",
					"The AI endpoint failed (status " + upstream.getStatus() + ")");
		}
		if (ex instanceof TimeoutException) {
			return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "AI_BUSY", "The AI endpoint is saturated; retry later");
		}
		return ex;
	}

}
