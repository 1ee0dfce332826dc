package dev.baton.aop;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Return types Baton's aspects support, and how each is guarded: a plain value holds the
 * permit while the method runs on the calling thread; the asynchronous kinds hold it until the
 * returned stage or publisher finishes, without blocking a thread.
 */
public enum ReturnKind {

	/** Any other type, {@code void} included: the permit is held while the method runs. */
	PLAIN,

	/** {@code CompletionStage} or {@code CompletableFuture}: held until the stage completes. */
	COMPLETION_STAGE,

	/** {@code Mono}: held until it terminates or is cancelled. */
	MONO,

	/** {@code Flux} or {@code Publisher}: held until it terminates or is cancelled. */
	FLUX;

	/**
	 * Classifies a method by its declared return type.
	 * @param method the annotated method
	 * @return its kind
	 * @throws IllegalStateException naming the method when the type is asynchronous but not one
	 * Baton can hand back (a {@code Future} that is not a {@code CompletionStage}, a subclass of
	 * {@code CompletableFuture}, another {@code Publisher} type): guarding it as a plain value
	 * would release the permit before the work is done
	 */
	public static ReturnKind of(Method method) {
		Class<?> type = method.getReturnType();
		if (type == Mono.class) {
			return MONO;
		}
		if (type == Flux.class || type == Publisher.class) {
			return FLUX;
		}
		if (type == CompletionStage.class || type == CompletableFuture.class) {
			return COMPLETION_STAGE;
		}
		if (Publisher.class.isAssignableFrom(type) || Future.class.isAssignableFrom(type)) {
			throw new IllegalStateException(MethodLabel.describe(method) + " returns " + type.getName()
					+ ", which Baton cannot guard: the permit would be released before the work completes."
					+ " Return Mono, Flux, CompletionStage or CompletableFuture instead.");
		}
		return PLAIN;
	}

}
