package dev.baton.json;

import java.lang.reflect.Type;

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
		ObjectReader reader = this.mapper.readerFor(javaType);
		ObjectWriter writer = this.mapper.writerFor(javaType);
		return new MappedType(javaType.toString(), writer::writeValueAsString, reader::readValue);
	}

	@Override
	public JsonCodec sortingMapEntries() {
		return new Jackson3JsonCodec(
				this.mapper.rebuild().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build());
	}

}
