package dev.baton.singleflight;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;


import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
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

	/**
	 * Readers and writers per type, built when a flight of that type is first asked for (on the
	 * caller's thread): building one takes Jackson's cache lock, and values are read on the
	 * pub/sub connection's event loop.
	 */
	private final Map<JavaType, ObjectReader> readers = new ConcurrentHashMap<>();

	private final Map<JavaType, ObjectWriter> writers = new ConcurrentHashMap<>();

	JavaType type(Type type) {
		JavaType javaType = this.mapper.getTypeFactory().constructType(type);
		this.readers.computeIfAbsent(javaType, this.mapper::readerFor);
		this.writers.computeIfAbsent(javaType, this.mapper::writerFor);
		return javaType;
	}

	String write(Object value, JavaType type) throws JsonProcessingException {
		return this.writers.computeIfAbsent(type, this.mapper::writerFor).writeValueAsString(value);
	}

	Object read(String json, JavaType type) throws IOException {
		return this.readers.computeIfAbsent(type, this.mapper::readerFor).readValue(json);
	}

}
