package dev.baton.json;

/**
 * One declared type's reader and writer of either Jackson, with the library's exceptions (checked
 * in Jackson 2, unchecked in Jackson 3) turned into {@link JsonCodecException}.
 */
final class MappedType implements JsonCodec.JsonType {

	/** A Jackson writer's or reader's call, which may throw whatever that library throws. */
	@FunctionalInterface
	interface Call<T, R> {

		R apply(T input) throws Exception;

	}

	private final String typeName;

	private final Call<Object, String> writer;

	private final Call<String, Object> reader;

	MappedType(String typeName, Call<Object, String> writer, Call<String, Object> reader) {
		this.typeName = typeName;
		this.writer = writer;
		this.reader = reader;
	}

	@Override
	public String write(Object value) {
		try {
			return this.writer.apply(value);
		}
		catch (Exception ex) {
			throw new JsonCodecException("Cannot write " + this.typeName + " as JSON: " + ex.getMessage(), ex);
		}
	}

	@Override
	public Object read(String json) {
		try {
			return this.reader.apply(json);
		}
		catch (Exception ex) {
			throw new JsonCodecException("Not JSON of " + this.typeName + ": " + ex.getMessage(), ex);
		}
	}

}
