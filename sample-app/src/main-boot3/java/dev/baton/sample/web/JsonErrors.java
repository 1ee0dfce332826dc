package dev.baton.sample.web;

import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;

/**
 * Where a request body's JSON is wrong, from Jackson 2's exceptions (Spring Boot 3.5). Its Boot 4
 * twin reads Jackson 3's; the rest of the app does not depend on either.
 */
final class JsonErrors {

	private JsonErrors() {
	}

	static Optional<String> describe(Throwable cause) {
		if (cause instanceof JsonParseException parse) {
			return Optional.of("Malformed JSON at line " + parse.getLocation().getLineNr() + ", column "
					+ parse.getLocation().getColumnNr());
		}
		if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
			return Optional.of("Field '" + mapping.getPath()
				.stream()
				.map((reference) -> (reference.getFieldName() != null) ? reference.getFieldName()
						: "[" + reference.getIndex() + "]")
				.collect(Collectors.joining(".")) + "' has the wrong type or format");
		}
		return Optional.empty();
	}

}
