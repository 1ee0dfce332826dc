package dev.baton.sample.sale;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sample.HttpJson;
import dev.baton.sample.HttpJson.Answer;

/**
 * A crowd of buyers sent all at once across instances: buyer {@code i} is user
 * {@code i % users}, and a user's successive attempts go to different instances.
 */
final class Buyers {

	private final HttpJson http = new HttpJson();

	private final List<String> instances;

	Buyers(List<String> instances) {
		this.instances = instances;
	}

	Outcome send(String sku, int buyers, int users) {
		Map<String, LongAdder> responses = new ConcurrentHashMap<>();
		ConcurrentLinkedQueue<JsonNode> created = new ConcurrentLinkedQueue<>();
		List<CompletableFuture<Void>> calls = new ArrayList<>(buyers);
		for (int i = 0; i < buyers; i++) {
			int user = i % users;
			String instance = this.instances.get((user + i / users) % this.instances.size());
			calls.add(this.http
				.sendAsync("POST", instance + "/api/flash-sales/" + sku + "/orders", "{\"userId\": \"u-" + user + "\"}")
				.thenAccept((answer) -> record(answer, responses, created)));
		}
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
		Map<String, Long> counts = new ConcurrentHashMap<>();
		responses.forEach((key, count) -> counts.put(key, count.sum()));
		return new Outcome(Map.copyOf(counts), List.copyOf(created));
	}

	private static void record(Answer answer, Map<String, LongAdder> responses, ConcurrentLinkedQueue<JsonNode> created) {
		String key = (answer.status() == 201) ? "201" : answer.status() + " " + answer.error();
		responses.computeIfAbsent(key, (k) -> new LongAdder()).increment();
		if (answer.status() == 201) {
			created.add(answer.json());
		}
	}

	/** Responses by status and error code ({@code "201"}, {@code "409 SOLD_OUT"}, ...) and the orders created. */
	record Outcome(Map<String, Long> responses, List<JsonNode> created) {

		long count(String response) {
			return this.responses.getOrDefault(response, 0L);
		}

	}

}
