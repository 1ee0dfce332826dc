package dev.baton.sample.web;

import java.util.List;
import java.util.stream.Collectors;

import dev.baton.lock.LockAcquisitionException;
import dev.baton.lock.LockException;
import dev.baton.mutex.MutexTimeoutException;
import dev.baton.singleflight.SingleFlightTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * Turns every failure into {@link ApiError} JSON with a fitting status: never a stack trace,
 * never a 500 for bad input.
 */
@RestControllerAdvice
class ApiExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ApiExceptionHandler.class);

	/** How long a client should wait before retrying a purchase that found a guard busy. */
	private static final String RETRY_AFTER_SECONDS = "1";

	@ExceptionHandler
	ResponseEntity<ApiError> apiException(ApiException ex) {
		return answer(ex.getStatus(), ex.getCode(), ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ApiError> busy(LockAcquisitionException ex) {
		return busy("Too many buyers at once; retry shortly");
	}

	@ExceptionHandler
	ResponseEntity<ApiError> busy(MutexTimeoutException ex) {
		return busy("A purchase of this user is still in progress; retry shortly");
	}

	/** Another caller is loading the same value and did not finish within the flight's wait. */
	@ExceptionHandler
	ResponseEntity<ApiError> flightTimeout(SingleFlightTimeoutException ex) {
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
			.body(new ApiError("BUSY", "The product is still loading; retry shortly"));
	}

	@ExceptionHandler
	ResponseEntity<ApiError> lockUnavailable(LockException ex) {
		logger.warn("Lock failure: {}", ex.getMessage());
		return answer(HttpStatus.SERVICE_UNAVAILABLE, "UNAVAILABLE", "The lock store is unavailable; retry later");
	}

	@ExceptionHandler
	ResponseEntity<ApiError> invalidFields(MethodArgumentNotValidException ex) {
		return answer(HttpStatus.BAD_REQUEST, "BAD_REQUEST", describe(ex.getAllErrors()));
	}

	@ExceptionHandler
	ResponseEntity<ApiError> invalidArguments(HandlerMethodValidationException ex) {
		return answer(HttpStatus.BAD_REQUEST, "BAD_REQUEST", describe(ex.getAllErrors()));
	}

	@ExceptionHandler
	ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof RequestBodyLimitFilter.BodyTooLargeException tooLarge) {
				return answer(HttpStatus.PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", tooLarge.getMessage());
			}
		}
		return answer(HttpStatus.BAD_REQUEST, "BAD_REQUEST", unreadableMessage(ex));
	}

	/** A path or query parameter that does not convert, e.g. {@code limit=abc}: the client's mistake. */
	@ExceptionHandler
	ResponseEntity<ApiError> mistypedParameter(MethodArgumentTypeMismatchException ex) {
		Class<?> type = ex.getRequiredType();
		boolean number = type != null && (Number.class.isAssignableFrom(type)
				|| (type.isPrimitive() && type != boolean.class && type != char.class));
		return answer(HttpStatus.BAD_REQUEST, "BAD_REQUEST",
				ex.getName() + " must be " + (number ? "a number" : "of type " + ((type != null) ? type.getSimpleName()
						: "another type")));
	}

	/**
	 * Spring MVC's own failures (unknown path, wrong method or media type) keep their status;
	 * anything else is a bug, logged and answered without details.
	 */
	@ExceptionHandler
	ResponseEntity<ApiError> other(Exception ex) {
		if (ex instanceof ErrorResponse spring) {
			HttpStatus status = HttpStatus.valueOf(spring.getStatusCode().value());
			String detail = spring.getBody().getDetail();
			return answer(status, status.name(), (detail != null) ? detail : status.getReasonPhrase());
		}
		logger.error("Unexpected failure", ex);
		return answer(HttpStatus.INTERNAL_SERVER_ERROR, "INTERNAL", "Unexpected error; see the server log");
	}

	private static ResponseEntity<ApiError> busy(String message) {
		return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
			.header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
			.body(new ApiError("BUSY", message));
	}

	private static ResponseEntity<ApiError> answer(HttpStatus status, String code, String message) {
		return ResponseEntity.status(status).body(new ApiError(code, message));
	}

	private static String describe(List<? extends MessageSourceResolvable> errors) {
		return errors.stream().map(ApiExceptionHandler::describe).sorted().collect(Collectors.joining("; "));
	}

	private static String describe(MessageSourceResolvable error) {
		String subject = (error instanceof FieldError field) ? field.getField() : lastCode(error);
		return subject + " " + error.getDefaultMessage();
	}

	/** A parameter's error has codes like {@code Pattern.sku}: the last part names the parameter. */
	private static String lastCode(MessageSourceResolvable error) {
		String[] codes = error.getCodes();
		if (codes == null || codes.length == 0) {
			return "argument";
		}
		String code = codes[0];
		return code.substring(code.lastIndexOf('.') + 1);
	}

	/** Jackson's own messages name Java types; say where the JSON is wrong instead. */
	private static String unreadableMessage(HttpMessageNotReadableException ex) {
		return JsonErrors.describe(ex.getMostSpecificCause())
			.orElse((ex.getMessage() != null && ex.getMessage().startsWith("Required request body is missing"))
					? "Request body is missing" : "Request body is not valid JSON");
	}

}
