package dev.baton.ai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code usage} object of a response: what the call was billed.
 *
 * @param promptTokens tokens of the input
 * @param completionTokens tokens generated
 * @param totalTokens their sum, as the server reports it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TokenUsage(@JsonProperty("prompt_tokens") long promptTokens,
		@JsonProperty("completion_tokens") long completionTokens, @JsonProperty("total_tokens") long totalTokens) {

	public static final TokenUsage ZERO = new TokenUsage(0, 0, 0);

	/** The sum of two usages, for totals. */
	public TokenUsage plus(TokenUsage other) {
		return new TokenUsage(this.promptTokens + other.promptTokens, this.completionTokens + other.completionTokens,
				this.totalTokens + other.totalTokens);
	}

}
