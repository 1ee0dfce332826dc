package dev.baton.ai;

import java.time.Duration;

import dev.baton.BatonException;

import org.springframework.lang.Nullable;

/**
 * The upstream failed: an HTTP error status, a body that is not the expected JSON, a
 * timeout, or retries that ran out. Carries the model, the HTTP status (0 when there was no
 * response), the start of the body (at most {@value #MAX_BODY_CHARS} characters; never the
 * request or the API key) and, for 429 and 503, the server's hint of when to retry.
 */
public class AiGatewayException extends BatonException {

	/** Bodies are cut to this many characters in the exception. */
	public static final int MAX_BODY_CHARS = 500;

	private final String model;

	private final int status;

	private final String body;

	private final transient Duration retryAfter;

	private final boolean retryable;

	public AiGatewayException(String message, String model, int status, @Nullable String body,
			@Nullable Duration retryAfter, boolean retryable, @Nullable Throwable cause) {
		super(message + " (model " + model + ", status " + status + ((body != null) ? ", body: " + truncate(body) : "")
				+ ")", cause);
		this.model = model;
		this.status = status;
		this.body = (body != null) ? truncate(body) : null;
		this.retryAfter = retryAfter;
		this.retryable = retryable;
	}

	static String truncate(String body) {
		return (body.length() <= MAX_BODY_CHARS) ? body : body.substring(0, MAX_BODY_CHARS) + "...";
	}

	public String getModel() {
		return this.model;
	}

	/** The HTTP status, or 0 when no response arrived (connect or read timeout). */
	public int getStatus() {
		return this.status;
	}

	/** The start of the response body, or {@code null}. */
	@Nullable
	public String getBody() {
		return this.body;
	}

	/** The earliest retry the server asked for ({@code Retry-After}, {@code x-ratelimit-reset-*}), or {@code null}. */
	@Nullable
	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	/** Whether another attempt may succeed: 429, 500, 502, 503, 504 and timeouts. */
	public boolean isRetryable() {
		return this.retryable;
	}

}
