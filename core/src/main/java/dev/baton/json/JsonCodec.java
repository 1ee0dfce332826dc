package dev.baton.json;

import java.lang.reflect.Type;

import org.springframework.util.ClassUtils;

/**
 * Writes values of a declared type as JSON text and reads them back. Implementations never use
 * Java serialization or polymorphic default typing: stored JSON names no class to instantiate,
 * so a tampered entry can at worst be unreadable.
 *
 * @see Jackson3JsonCodec
 * @see Jackson2JsonCodec
 */
public interface JsonCodec {

	/**
	 * A reader and writer for one declared type. Build it on a caller's thread when the type is
	 * first used: building takes the JSON library's cache lock, and values may be read on an event
	 * loop.
	 * @param type the declared type, generics included
	 * @return the type's reader and writer, safe to share between threads
	 */
	JsonType type(Type type);

	/**
	 * This codec, writing map entries in key order: equal maps give equal text (for digests).
	 * @return a codec that sorts map entries by key
	 */
	JsonCodec sortingMapEntries();

	/**
	 * Jackson 3 when it is on the class path, else Jackson 2, each with the modules it finds; for
	 * use without Spring. Spring Boot applications get a codec over the application's own mapper.
	 * @return a codec with the modules on the class path
	 * @throws IllegalStateException when neither Jackson 3 nor Jackson 2 is on the class path
	 */
	static JsonCodec standard() {
		ClassLoader classLoader = JsonCodec.class.getClassLoader();
		if (ClassUtils.isPresent("tools.jackson.databind.json.JsonMapper", classLoader)) {
			return Jackson3JsonCodec.withModulesFound();
		}
		if (ClassUtils.isPresent("com.fasterxml.jackson.databind.json.JsonMapper", classLoader)) {
			return Jackson2JsonCodec.withModulesFound();
		}
		throw new IllegalStateException("Baton needs Jackson for JSON: add tools.jackson.core:jackson-databind "
				+ "(Jackson 3) or com.fasterxml.jackson.core:jackson-databind (Jackson 2)");
	}

	/** One declared type's reader and writer. */
	interface JsonType {

		/**
		 * @param value a value of the declared type (not null)
		 * @return its JSON text
		 * @throws JsonCodecException when the value cannot be written as the declared type
		 */
		String write(Object value);

		/**
		 * @param json JSON text
		 * @return the value it holds, of the declared type; null for the JSON {@code null}
		 * @throws JsonCodecException when the text is not JSON of the declared type
		 */
		Object read(String json);

	}

}
