package dev.baton.json;

import java.io.IOException;
import java.lang.reflect.Type;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * {@link JsonCodec} on Jackson 2 ({@code com.fasterxml.jackson}), the JSON library of Spring Boot
 * 3.5 applications. Give it the application's {@code ObjectMapper} so that its modules apply.
 */
public final class Jackson2JsonCodec implements JsonCodec {

	private final ObjectMapper mapper;

	/**
	 * @param mapper the application's mapper; a copy without default typing is used
	 */
	public Jackson2JsonCodec(ObjectMapper mapper) {
		this.mapper = mapper.copy().deactivateDefaultTyping();
	}

	/** @return a codec over a mapper with the modules on the class path */
	public static Jackson2JsonCodec withModulesFound() {
		return new Jackson2JsonCodec(JsonMapper.builder().findAndAddModules().build());
	}

	@Override
	public JsonType type(Type type) {
		JavaType javaType = this.mapper.getTypeFactory().constructType(type);
		return new Jackson2Type(this.mapper.readerFor(javaType), this.mapper.writerFor(javaType), javaType);
	}

	@Override
	public JsonCodec sortingMapEntries() {
		return new Jackson2JsonCodec(this.mapper.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS));
	}

	private record Jackson2Type(ObjectReader reader, ObjectWriter writer, JavaType javaType) implements JsonType {

		@Override
		public String write(Object value) {
			try {
				return this.writer.writeValueAsString(value);
			}
			catch (JsonProcessingException ex) {
				throw new JsonCodecException("Cannot write " + this.javaType + " as JSON: " + ex.getOriginalMessage(),
						ex);
			}
		}

		@Override
		public Object read(String json) {
			try {
				return this.reader.readValue(json);
			}
			catch (IOException ex) {
				throw new JsonCodecException("Not JSON of " + this.javaType + ": " + ex.getMessage(), ex);
			}
		}

	}

}
