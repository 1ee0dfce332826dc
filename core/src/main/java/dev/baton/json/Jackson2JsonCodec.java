package dev.baton.json;

import java.lang.reflect.Type;

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
		ObjectReader reader = this.mapper.readerFor(javaType);
		ObjectWriter writer = this.mapper.writerFor(javaType);
		return new MappedType(javaType.toString(), writer::writeValueAsString, reader::readValue);
	}

	@Override
	public JsonCodec sortingMapEntries() {
		return new Jackson2JsonCodec(this.mapper.copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS));
	}

}
