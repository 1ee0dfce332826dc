package dev.baton.sample.web;

/**
 * The body of every error answer.
 *
 * @param error a stable code clients can switch on, e.g. {@code SOLD_OUT}, {@code BUSY}
 * @param message what went wrong, for people
 */
public record ApiError(String error, String message) {
}
