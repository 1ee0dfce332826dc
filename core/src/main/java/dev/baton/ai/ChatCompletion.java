package dev.baton.ai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A response of {@code /v1/chat/completions}.
 *
 * @param id the server's id of the completion
 * @param model the model that answered
 * @param choices the generated messages, usually one
 * @param usage the tokens billed; {@code null} only if the server sent none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletion(String id, String model, List<Choice> choices, TokenUsage usage) {

	public ChatCompletion {
		choices = (choices != null) ? List.copyOf(choices) : List.of();
	}

	/** The text of the first choice, or {@code null} when there is none. */
	public String content() {
		return this.choices.isEmpty() || this.choices.get(0).message() == null ? null
				: this.choices.get(0).message().content();
	}

	/**
	 * One generated message.
	 *
	 * @param index position among the choices
	 * @param message the message
	 * @param finishReason why generation stopped ({@code stop}, {@code length}, ...)
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Choice(int index, ChatMessage message, @JsonProperty("finish_reason") String finishReason) {

	}

}
