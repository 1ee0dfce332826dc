package dev.baton.singleflight;

import java.lang.reflect.Type;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.baton.json.JsonCodec;

/**
 * Results as JSON for their declared type, through a {@link JsonCodec} (the application's
 * Jackson 3 or Jackson 2 mapper): the same JSON on both, so instances on either share values.
 */
final class ValueCodec {

	private final JsonCodec json;

	/**
	 * Readers and writers per type, built when a flight of that type is first asked for (on the
	 * caller's thread): building one takes Jackson's cache lock, and values are read on the
	 * pub/sub connection's event loop.
	 */
	private final Map<Type, ValueType> types = new ConcurrentHashMap<>();

	ValueCodec(JsonCodec json) {
		this.json = json;
	}

	ValueType type(Type type) {
		return this.types.computeIfAbsent(type, (declared) -> new ValueType(declared, this.json.type(declared)));
	}

	/** One declared result type: one instance per type, so equal types are the same instance. */
	record ValueType(Type declared, JsonCodec.JsonType json) {

		String write(Object value) {
			return this.json.write(value);
		}

		Object read(String text) {
			return this.json.read(text);
		}

		@Override
		public String toString() {
			return this.declared.getTypeName();
		}

	}

}
