package dev.baton.sample.fakeai;

import java.util.List;
import java.util.Map;

/**
 * What the fake model "writes" for a prompt, and what it bills: one token per word, four more
 * per message for the framing, as real tokenizers roughly do.
 */
record FakeReply(String content, long promptTokens, long completionTokens) {

	private static final List<String> OPENINGS = List.of("Meet", "Say hello to", "Discover", "Unbox");

	private static final List<String> PITCHES = List.of("made to be noticed", "built for everyday joy",
			"small in size, big on delight", "the one your friends will ask about");

	static FakeReply to(List<Map<String, Object>> messages, int maxTokens) {
		String prompt = messages.stream().map((message) -> String.valueOf(message.get("content"))).reduce("", String::concat);
		long promptTokens = messages.stream().mapToLong((message) -> words(String.valueOf(message.get("content"))) + 4).sum();
		int pick = Math.floorMod(prompt.hashCode(), OPENINGS.size());
		String text = OPENINGS.get(pick) + " the product everyone is talking about: " + PITCHES.get(pick)
				+ ". Limited stock, so make it yours today.";
		String[] words = text.split(" ");
		if (words.length > maxTokens) {
			text = String.join(" ", List.of(words).subList(0, maxTokens));
		}
		return new FakeReply(text, promptTokens, Math.min(words.length, maxTokens));
	}

	private static long words(String text) {
		String trimmed = text.trim();
		return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
	}

}
