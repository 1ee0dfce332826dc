package dev.baton.autoconfigure;

import dev.baton.Observed;
import dev.baton.ai.AiGatewayMetrics;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationRegistry;

/**
 * Observations of AI gateway calls in the OpenTelemetry GenAI conventions that Spring AI uses:
 * {@code gen_ai.client.operation}, named {@code "chat <model>"}, with low-cardinality
 * {@code gen_ai.operation.name}, {@code gen_ai.system} ({@code openai}: the API the client
 * speaks), {@code gen_ai.request.model} and Baton's {@code outcome}; the token usage
 * ({@code gen_ai.usage.input_tokens}, {@code output_tokens}, {@code total_tokens}) and
 * {@code gen_ai.response.model} as high-cardinality values. From the call until its result,
 * waits and retries included. Records no meters.
 */
final class AiObservations implements AiGatewayMetrics {

	private final ObservationRegistry registry;

	AiObservations(ObservationRegistry registry) {
		this.registry = registry;
	}

	@Override
	public Observed requestStarted(String model, String operation) {
		return ObservationWork.start(this.registry, "gen_ai.client.operation", operation + " " + model,
				KeyValues.of("gen_ai.operation.name", operation, "gen_ai.system", "openai", "gen_ai.request.model",
						model),
				null);
	}

}
