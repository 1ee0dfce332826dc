package dev.baton.json;

import java.lang.reflect.Type;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link JsonCodec} on Jackson 3 ({@code tools.jackson}), the JSON library of Spring Boot 4
 * applications. Give it the application's {@code JsonMapper} so that its modules apply.
 */
public final class Jackson3JsonCodec implements JsonCodec {

	private final ObjectMapper mapper;

	/**
	 * @param mapper the application's mapper; a copy without default typing is used
	 */
	public Jackson3JsonCodec(ObjectMapper mapper) {
		this.mapper = mapper.rebuild().deactivateDefaultTyping().build();
	}

	/** @return a codec over a mapper with the modules on the class path */
	public static Jackson3JsonCodec withModulesFound() {
		return new Jackson3JsonCodec(JsonMapper.builder().findAndAddModules().build());
	}

	@Override
	public JsonType type(Type type) {
		JavaType javaType = this.mapper.getTypeFactory().constructType(type);
		return new Jackson3Type(this.mapper.readerFor(javaType), this.mapper.writerFor(javaType), javaType);
	}

	@Override
	public JsonCodec sortingMapEntries() {
		return new Jackson3JsonCodec(
				this.mapper.rebuild().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build());
	}

	private record Jackson3Type(ObjectReader reader, ObjectWriter writer, JavaType javaType) implements JsonType {

		@Override
		public String write(Object value) {
			try {
				return this.writer.writeValueAsString(value);
			}
			catch (JacksonException ex) {
				throw new JsonCodecException("Cannot write " + this.javaType + " as JSON: " + ex.getOriginalMessage(),
						ex);
			}
		}

		@Override
		public Object read(String json) {
			try {
				return this.reader.readValue(json);
			}
			catch (JacksonException ex) {
				throw new JsonCodecException("Not JSON of " + this.javaType + ": " + ex.getOriginalMessage(), ex);
			}
		}

	}

}
