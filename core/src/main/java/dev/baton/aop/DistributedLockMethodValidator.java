package dev.baton.aop;

import java.lang.reflect.Method;

import dev.baton.annotation.DistributedLock;

/** Checks {@code @DistributedLock} methods when their bean is created: keys, durations. */
public final class DistributedLockMethodValidator extends AnnotatedMethodValidator<DistributedLock> {

	private final KeyExpressionEvaluator expressions;

	private final DurationAttribute durations;

	public DistributedLockMethodValidator(KeyExpressionEvaluator expressions, DurationAttribute durations) {
		super(DistributedLock.class);
		this.expressions = expressions;
		this.durations = durations;
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
		this.durations.resolve(method, "waitTime", annotation.waitTime());
		this.durations.resolve(method, "leaseTime", annotation.leaseTime());
	}

}
