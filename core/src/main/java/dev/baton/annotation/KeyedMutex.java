package dev.baton.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the method holding a per-key mutex inside this JVM: calls with the same key run one at
 * a time, calls with different keys run in parallel.
 * <pre class="code">
 * &#64;KeyedMutex(key = "#order.userId", waitTime = "5s")
 * public Receipt place(Order order) { ... }
 * </pre>
 * Works for methods returning plain values, {@code CompletionStage}/{@code CompletableFuture},
 * {@code Mono} and {@code Flux}; reactive and asynchronous methods never block a thread while
 * waiting and hold the mutex until what they return completes, fails or is cancelled. The
 * outermost of Baton's aspects, outside {@code @DistributedLock}, {@code @SingleFlight} and
 * {@code @Transactional}. The key expression and the wait time are checked when the bean is
 * created. A wait that runs out throws (or emits) a {@link dev.baton.mutex.MutexTimeoutException},
 * unless {@link #onTimeout()} says otherwise. Found on interface and superclass methods and as a
 * meta-annotation, as {@link DistributedLock} is.
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface KeyedMutex {

	/**
	 * SpEL expression for the key, over the method's parameters by name: {@code "#userId"},
	 * {@code "#order.userId"}, {@code "'stock:' + #sku"}. Must not evaluate to null or blank.
	 */
	String key();

	/**
	 * How long to wait for the mutex: {@code "500ms"}, {@code "5s"}, {@code "PT5S"},
	 * {@code "${orders.wait:5s}"}; {@code "0s"} tries once. Empty uses
	 * {@code baton.mutex.wait-time}.
	 */
	String waitTime() default "";

	/** Name in meters and exceptions; empty uses {@code SimpleClassName.method}. */
	String name() default "";

	/**
	 * What a wait that runs out does: throw (the default, or {@code baton.mutex.on-timeout}),
	 * skip the method, or run {@link #fallback()}.
	 */
	OnTimeout onTimeout() default OnTimeout.DEFAULT;

	/**
	 * The method run instead when the wait runs out ({@link OnTimeout#FALLBACK}, implied when
	 * this is set): a method of the same bean with the same parameters, optionally followed by
	 * the {@link dev.baton.mutex.MutexTimeoutException}, returning a type that fits. Checked at
	 * start-up. It is called on the bean itself, not through its proxy (so not under the bean's
	 * other annotations), and what it returns or throws is the call's result.
	 */
	String fallback() default "";

	/**
	 * SpEL over the parameters, like {@code @Cacheable}'s: when it evaluates to {@code false}
	 * the method runs without the mutex. Empty: always guarded. Checked at start-up.
	 */
	String condition() default "";

}
