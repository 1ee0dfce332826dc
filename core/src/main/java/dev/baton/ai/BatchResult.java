package dev.baton.ai;

/**
 * The outcome of one request of {@link AiGatewayClient#chatAll}: exactly one per input,
 * either a completion or the error that ended it.
 *
 * @param index the request's position in the input list
 * @param request the request
 * @param completion the response, or {@code null} when {@code error} is set
 * @param error why the request failed, or {@code null} on success
 */
public record BatchResult(int index, ChatRequest request, ChatCompletion completion, Throwable error) {

	public boolean isSuccess() {
		return this.error == null;
	}

}
