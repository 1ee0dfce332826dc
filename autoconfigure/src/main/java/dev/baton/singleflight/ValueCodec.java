package dev.baton.singleflight;

import java.io.IOException;
import java.lang.reflect.Type;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Results as JSON for their declared type, through Jackson. Never Java serialization and never
 * polymorphic default typing: a stored entry names no class to instantiate, so a tampered entry
 * can at worst be unreadable.
 */
final class ValueCodec {

	private final ObjectMapper mapper;

	/**
	 * @param mapper the application's mapper; a copy with default typing turned off is used
	 */
	ValueCodec(ObjectMapper mapper) {
		this.mapper = mapper.copy().deactivateDefaultTyping();
	}

	/** A mapper with the modules on the classpath (java.time, Optional, ...), for use without Spring. */
	static ObjectMapper defaultMapper() {
		return JsonMapper.builder().findAndAddModules().build();
	}

	JavaType type(Type type) {
		return this.mapper.getTypeFactory().constructType(type);
	}

	String write(Object value, JavaType type) throws JsonProcessingException {
		return this.mapper.writerFor(type).writeValueAsString(value);
	}

	Object read(String json, JavaType type) throws IOException {
		return this.mapper.readerFor(type).readValue(json);
	}

}
