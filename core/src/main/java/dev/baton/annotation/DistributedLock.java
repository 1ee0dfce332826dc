package dev.baton.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the method holding a cluster-wide lock, so that one instance at a time runs it for a
 * given key.
 * <pre>{@code
 * @DistributedLock(key = "'sku:' + #sku", waitTime = "1s")
 * public Order buy(String sku, String userId) { ... LockContext.fencingToken() ... }
 * }</pre>
 * Works on methods returning plain values, {@code CompletionStage}, {@code Mono} and
 * {@code Flux}; for reactive types the lock is held until the publisher terminates or is
 * cancelled, and no thread blocks. It wraps {@code @Transactional}, so the lock is released
 * only after the transaction commits. Like every Spring AOP annotation it applies to calls
 * through the bean's proxy: a call from another method of the same object is not locked.
 * <p>
 * Key expressions and durations are checked when the bean is created. At call time a key that
 * evaluates to {@code null} or blank is an {@link IllegalArgumentException} naming the method
 * and the expression; a lock not acquired within {@link #waitTime()} is a
 * {@link dev.baton.lock.LockAcquisitionException}, unless {@link #onTimeout()} says otherwise.
 * <p>
 * The annotation is found on the class's method, on the interface or superclass method it
 * implements or overrides, and as a meta-annotation of the user's own annotation (whose
 * attributes may be {@code @AliasFor} ones). A method a proxy cannot intercept (private,
 * static, final, or of a final class proxied by subclassing) fails the start-up naming it.
 * <pre>{@code
 * @Scheduled(fixedRate = 500)
 * @DistributedLock(key = "'report'", waitTime = "0s", onTimeout = OnTimeout.SKIP, holdAtLeast = "400ms")
 * public void report() { ... }   // once per tick across every instance
 * }</pre>
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface DistributedLock {

	/** SpEL over the method's parameters by name, e.g. {@code "'sku:' + #sku"}. Set this or {@link #keys()}. */
	String key() default "";

	/**
	 * Several keys, each a SpEL expression: all their locks are held, taken in sorted order so
	 * that two methods locking the same keys cannot deadlock.
	 */
	String[] keys() default {};

	/** How long to wait for the lock, e.g. {@code "1s"}; empty: {@code baton.lock.wait-time}. */
	String waitTime() default "";

	/**
	 * A fixed lease, e.g. {@code "10s"}: the lock expires then even if the method still runs.
	 * Empty: {@code baton.lock.lease-time}, renewed by the watchdog while the method runs.
	 */
	String leaseTime() default "";

	/** Names the lock in meters and messages; empty: {@code SimpleClassName.method}. */
	String name() default "";

	/**
	 * What a wait that runs out does: throw (the default, or {@code baton.lock.on-timeout}),
	 * skip the method, or run {@link #fallback()}.
	 */
	OnTimeout onTimeout() default OnTimeout.DEFAULT;

	/**
	 * The method run instead when the wait runs out ({@link OnTimeout#FALLBACK}, implied when
	 * this is set): a method of the same bean with the same parameters, optionally followed by
	 * the {@link dev.baton.lock.LockAcquisitionException}, returning a type that fits. Checked at
	 * start-up. It is called on the bean itself, not through its proxy (so not under the bean's
	 * other annotations), and what it returns or throws is the call's result.
	 */
	String fallback() default "";

	/**
	 * The shortest hold, e.g. {@code "400ms"}: the lock stays held until at least this long
	 * after the method started, so that a job finishing in 20 ms cannot run again on another
	 * instance whose clock fires a little later. The release then happens on a timer, never on
	 * the caller's thread. Empty: released when the method finishes.
	 */
	String holdAtLeast() default "";

	/**
	 * SpEL over the parameters, like {@code @Cacheable}'s: when it evaluates to {@code false}
	 * the method runs without the lock. Empty: always locked. Checked at start-up.
	 */
	String condition() default "";

}
