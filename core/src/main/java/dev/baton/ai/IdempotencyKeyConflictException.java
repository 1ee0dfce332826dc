package dev.baton.ai;

import dev.baton.BatonException;

/**
 * A request carried the idempotency key of another request in flight whose content differs:
 * sharing that request's completion would answer a question that was not asked. Use one key per
 * distinct request.
 */
public class IdempotencyKeyConflictException extends BatonException {

	private final String idempotencyKey;

	public IdempotencyKeyConflictException(String idempotencyKey) {
		super("Idempotency key '" + idempotencyKey + "' is in use by a different request in flight (the requests' "
				+ "contents differ); a key may only be reused for the same request");
		this.idempotencyKey = idempotencyKey;
	}

	public String getIdempotencyKey() {
		return this.idempotencyKey;
	}

}
