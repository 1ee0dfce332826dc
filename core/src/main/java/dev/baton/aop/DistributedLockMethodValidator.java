package dev.baton.aop;

import java.lang.reflect.Method;
import java.time.Duration;

import dev.baton.annotation.DistributedLock;
import dev.baton.annotation.OnTimeout;

/**
 * Checks {@code @DistributedLock} methods when their bean is created: keys, condition,
 * durations, timeout policy and fallback.
 */
public final class DistributedLockMethodValidator extends AnnotatedMethodValidator<DistributedLock> {

	private final KeyExpressionEvaluator expressions;

	private final DurationAttribute durations;

	private final OnTimeout defaultOnTimeout;

	/**
	 * @param defaultOnTimeout the policy of methods whose annotation sets none
	 */
	public DistributedLockMethodValidator(KeyExpressionEvaluator expressions, DurationAttribute durations,
			OnTimeout defaultOnTimeout) {
		super(DistributedLock.class);
		this.expressions = expressions;
		this.durations = durations;
		this.defaultOnTimeout = TimeoutPolicy.defaultPolicy("lock", defaultOnTimeout);
	}

	/** With {@link OnTimeout#THROW} as the default policy. */
	public DistributedLockMethodValidator(KeyExpressionEvaluator expressions, DurationAttribute durations) {
		this(expressions, durations, OnTimeout.THROW);
	}

	@Override
	protected void validate(Class<?> beanClass, Method method, DistributedLock annotation) {
		validate(method, annotation);
		DistributedLockAspect.timeoutPolicy(method, beanClass, annotation, this.defaultOnTimeout);
	}

	@Override
	protected void validate(Method method, DistributedLock annotation) {
		boolean hasKey = !annotation.key().isEmpty();
		boolean hasKeys = annotation.keys().length > 0;
		if (hasKey == hasKeys) {
			throw new IllegalStateException("@DistributedLock on " + describe(method)
					+ " must set exactly one of key or keys" + (hasKey ? ", not both" : ""));
		}
		String attribute = hasKey ? "key" : "keys";
		for (String expression : DistributedLockAspect.expressions(annotation)) {
			this.expressions.validate(method, attribute, expression);
		}
		if (!annotation.condition().isEmpty()) {
			this.expressions.validate(method, "condition", annotation.condition());
		}
		ReturnKind.of(method);
		this.durations.resolve(method, "waitTime", annotation.waitTime());
		Duration lease = this.durations.resolve(method, "leaseTime", annotation.leaseTime());
		Duration holdAtLeast = this.durations.resolve(method, "holdAtLeast", annotation.holdAtLeast());
		if (lease != null && holdAtLeast != null && holdAtLeast.compareTo(lease) > 0) {
			throw new IllegalStateException("Invalid holdAtLeast '" + annotation.holdAtLeast() + "' on "
					+ describe(method) + ": it is longer than the fixed leaseTime '" + annotation.leaseTime()
					+ "', which would end the hold first");
		}
	}

}
