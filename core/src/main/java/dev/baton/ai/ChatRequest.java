package dev.baton.ai;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.lang.Nullable;

/**
 * A request to {@code /v1/chat/completions}. Immutable; use the {@code with...} methods to
 * derive variants. Two requests are equal when every field is, which is what
 * {@code baton.ai.dedupe} compares.
 *
 * @param model the model, or {@code null} for the client's default
 * @param messages the conversation, at least one message
 * @param temperature sampling temperature, or {@code null} for the server's default
 * @param maxTokens upper bound of generated tokens, or {@code null}; also what the token
 * budget reserves for the completion
 * @param extra other request fields passed through as they are ({@code top_p},
 * {@code response_format}, ...)
 * @param idempotencyKey when set, concurrent requests with the same key share one upstream
 * call; never sent to the server
 */
public record ChatRequest(@Nullable String model, List<ChatMessage> messages, @Nullable Double temperature,
		@Nullable Integer maxTokens, Map<String, Object> extra, @Nullable String idempotencyKey) {

	public ChatRequest {
		messages = (messages != null) ? List.copyOf(messages) : List.of();
		extra = (extra != null) ? Map.copyOf(extra) : Map.of();
	}

	/** A request of one user message for the client's default model. */
	public static ChatRequest of(String userMessage) {
		return of(List.of(ChatMessage.user(userMessage)));
	}

	/** A request of these messages for the client's default model. */
	public static ChatRequest of(List<ChatMessage> messages) {
		return new ChatRequest(null, messages, null, null, Map.of(), null);
	}

	public ChatRequest withModel(String model) {
		return new ChatRequest(model, this.messages, this.temperature, this.maxTokens, this.extra, this.idempotencyKey);
	}

	public ChatRequest withTemperature(double temperature) {
		return new ChatRequest(this.model, this.messages, temperature, this.maxTokens, this.extra, this.idempotencyKey);
	}

	public ChatRequest withMaxTokens(int maxTokens) {
		return new ChatRequest(this.model, this.messages, this.temperature, maxTokens, this.extra, this.idempotencyKey);
	}

	/** Adds one field sent as is, e.g. {@code withExtra("top_p", 0.9)}. */
	public ChatRequest withExtra(String field, Object value) {
		Map<String, Object> fields = new LinkedHashMap<>(this.extra);
		fields.put(field, value);
		return new ChatRequest(this.model, this.messages, this.temperature, this.maxTokens, fields, this.idempotencyKey);
	}

	public ChatRequest withIdempotencyKey(String idempotencyKey) {
		return new ChatRequest(this.model, this.messages, this.temperature, this.maxTokens, this.extra, idempotencyKey);
	}

	/**
	 * Checks the request before any call.
	 * @throws IllegalArgumentException if there are no messages, a message has no content, or
	 * a role is not one of {@link ChatMessage#ROLES}
	 */
	public void validate() {
		if (this.messages.isEmpty()) {
			throw new IllegalArgumentException("ChatRequest.messages must not be empty");
		}
		for (int i = 0; i < this.messages.size(); i++) {
			ChatMessage message = this.messages.get(i);
			if (message == null || message.role() == null || !ChatMessage.ROLES.contains(message.role())) {
				throw new IllegalArgumentException("ChatRequest.messages[" + i + "].role must be one of "
						+ ChatMessage.ROLES + ", got " + ((message != null) ? "'" + message.role() + "'" : "null"));
			}
			if (message.content() == null) {
				throw new IllegalArgumentException("ChatRequest.messages[" + i + "].content must not be null");
			}
		}
		if (this.maxTokens != null && this.maxTokens <= 0) {
			throw new IllegalArgumentException("ChatRequest.maxTokens must be positive, got " + this.maxTokens);
		}
	}

	/** The model this request goes to. */
	String resolveModel(String defaultModel) {
		return (this.model != null) ? this.model : Objects.requireNonNull(defaultModel, "model");
	}

	/** The JSON body: the extra fields first, so that the typed fields win. */
	Map<String, Object> toBody(String defaultModel, boolean stream) {
		Map<String, Object> body = new LinkedHashMap<>(this.extra);
		body.put("model", resolveModel(defaultModel));
		body.put("messages", this.messages);
		if (this.temperature != null) {
			body.put("temperature", this.temperature);
		}
		if (this.maxTokens != null) {
			body.put("max_tokens", this.maxTokens);
		}
		if (stream) {
			body.put("stream", true);
			body.put("stream_options", Map.of("include_usage", true));
		}
		return body;
	}

	/**
	 * A cheap upper-bound guess of the prompt's tokens (about four characters per token plus
	 * framing), reserved from the token budget until the real usage settles it.
	 */
	long estimatePromptTokens() {
		long chars = 0;
		for (ChatMessage message : this.messages) {
			chars += message.content().length() + 4;
		}
		return chars / 3 + 1;
	}

}
