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
 * created. A wait that runs out throws (or emits) a {@link dev.baton.mutex.MutexTimeoutException}.
 */
@Target(ElementType.METHOD)
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

}
