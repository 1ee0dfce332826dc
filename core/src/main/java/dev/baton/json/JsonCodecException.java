package dev.baton.json;

import dev.baton.BatonException;

/** A value that could not be written as JSON of its declared type, or text that is not JSON of it. */
public class JsonCodecException extends BatonException {

	public JsonCodecException(String message, Throwable cause) {
		super(message, cause);
	}

}
