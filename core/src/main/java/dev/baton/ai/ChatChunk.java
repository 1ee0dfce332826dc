package dev.baton.ai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One server-sent event of a streamed completion. The last chunk carries the {@code usage}
 * (the client asks for it with {@code stream_options.include_usage}).
 *
 * @param id the completion's id, the same on every chunk
 * @param model the model that answers
 * @param choices the deltas of this chunk (empty on the usage-only chunk)
 * @param usage the tokens billed, on the last chunk only
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatChunk(String id, String model, List<Delta> choices, TokenUsage usage) {

	public ChatChunk {
		choices = (choices != null) ? List.copyOf(choices) : List.of();
	}

	/** The text this chunk adds to the first choice, or an empty string. */
	public String content() {
		if (this.choices.isEmpty() || this.choices.get(0).delta() == null
				|| this.choices.get(0).delta().content() == null) {
			return "";
		}
		return this.choices.get(0).delta().content();
	}

	/**
	 * The part of one choice carried by a chunk.
	 *
	 * @param index which choice
	 * @param delta the added role and/or text
	 * @param finishReason set on the chunk that ends the choice
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Delta(int index, ChatMessage delta, @JsonProperty("finish_reason") String finishReason) {

	}

}
