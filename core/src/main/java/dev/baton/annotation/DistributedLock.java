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
 * {@link dev.baton.lock.LockAcquisitionException}.
 */
@Target(ElementType.METHOD)
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

}
