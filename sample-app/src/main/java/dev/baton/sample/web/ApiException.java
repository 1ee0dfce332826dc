package dev.baton.sample.web;

import org.springframework.http.HttpStatus;

/** An outcome the API reports with its own status and {@link ApiError#error() code}. */
public class ApiException extends RuntimeException {

	private final HttpStatus status;

	private final String code;

	public ApiException(HttpStatus status, String code, String message) {
		super(message);
		this.status = status;
		this.code = code;
	}

	public HttpStatus getStatus() {
		return this.status;
	}

	public String getCode() {
		return this.code;
	}

}
