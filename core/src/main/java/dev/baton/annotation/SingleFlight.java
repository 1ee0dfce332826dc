package dev.baton.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.baton.singleflight.OnStoreFailure;

/**
 * Runs the method once per key across every instance and shares its result: concurrent
 * callers in this JVM join one execution, callers on other instances wait for its result
 * (stored in Redis as JSON for the method's declared return type), and later callers get it
 * from the local cache or Redis until it expires.
 * <pre>{@code
 * @SingleFlight(key = "'product:' + #sku", ttl = "30s", localTtl = "5s")
 * public Product product(String sku) { return repository.load(sku); }
 * }</pre>
 * Works on methods returning plain values, {@code CompletionStage} and {@code Mono} (for a
 * {@code Mono}, an empty result is a {@code null} one). {@code Flux} methods are refused at
 * start-up: a stream has no single result to store and share. Like every Spring AOP
 * annotation it applies to calls through the bean's proxy only. Found on interface and
 * superclass methods and as a meta-annotation, as {@link DistributedLock} is.
 * <p>
 * The key expression and durations are checked when the bean is created. At call time, a
 * caller that waits longer than {@link #waitTimeout()} for someone else's result gets
 * {@link dev.baton.singleflight.SingleFlightTimeoutException}; when the method fails on another
 * instance, its waiting callers get {@link dev.baton.singleflight.SingleFlightException} with the
 * exception's type and message; in this JVM every caller gets the exception itself.
 * @see dev.baton.singleflight.SingleFlight
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SingleFlight {

	/** SpEL over the method's parameters by name, e.g. {@code "'product:' + #sku"}. */
	String key();

	/** How long the result stays in Redis, e.g. {@code "30s"}; empty: {@code baton.singleflight.ttl}. */
	String ttl() default "";

	/** How long the result stays in this JVM's cache, e.g. {@code "5s"}; empty: {@code baton.singleflight.local-ttl}. */
	String localTtl() default "";

	/** Longest wait for someone else's result, e.g. {@code "2s"}; empty: {@code baton.singleflight.wait-timeout}. */
	String waitTimeout() default "";

	/** How long a failure is stored for later callers; empty: {@code baton.singleflight.error-ttl} (0: not stored). */
	String errorTtl() default "";

	/**
	 * Names the flight in meters and messages, and scopes its stored results: methods share
	 * results of a key only when they give the same name; empty: {@code SimpleClassName.method}.
	 */
	String name() default "";

	/**
	 * SpEL over the parameters, like {@code @Cacheable}'s: when it evaluates to {@code false}
	 * the method runs as a plain call, neither shared nor stored. Empty: always a flight.
	 * Checked at start-up.
	 */
	String condition() default "";

	/**
	 * Longest run of the method, e.g. {@code "30s"}: past it the flight is abandoned (its callers
	 * get {@link dev.baton.singleflight.SingleFlightTimeoutException}, the key is free again on
	 * every instance); empty: {@code baton.singleflight.max-flight-time}.
	 */
	String maxFlightTime() default "";

	/**
	 * What a call does when Redis cannot be reached: {@code FAIL} with a
	 * {@link dev.baton.singleflight.SingleFlightException}, or {@code RUN_LOCALLY} (the method runs,
	 * shared only with this JVM's concurrent callers, counted as outcome {@code degraded});
	 * {@code DEFAULT}: {@code baton.singleflight.on-store-failure}.
	 */
	OnStoreFailure onStoreFailure() default OnStoreFailure.DEFAULT;

}
