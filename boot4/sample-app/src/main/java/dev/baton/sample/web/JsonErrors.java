package dev.baton.sample.web;

import java.util.Optional;
import java.util.stream.Collectors;

import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;

/**
 * Where a request body's JSON is wrong, from Jackson 3's exceptions (Spring Boot 4). Its Boot 3.5
 * twin reads Jackson 2's; the rest of the app does not depend on either.
 */
final class JsonErrors {

	private JsonErrors() {
	}

	static Optional<String> describe(Throwable cause) {
		if (cause instanceof StreamReadException parse && parse.getLocation() != null) {
			return Optional.of("Malformed JSON at line " + parse.getLocation().getLineNr() + ", column "
					+ parse.getLocation().getColumnNr());
		}
		if (cause instanceof DatabindException mapping && !mapping.getPath().isEmpty()) {
			return Optional.of("Field '" + mapping.getPath()
				.stream()
				.map((reference) -> (reference.getPropertyName() != null) ? reference.getPropertyName()
						: "[" + reference.getIndex() + "]")
				.collect(Collectors.joining(".")) + "' has the wrong type or format");
		}
		return Optional.empty();
	}

}
