package dev.baton.aop;

import java.lang.reflect.Method;

import dev.baton.annotation.KeyedMutex;
import dev.baton.annotation.OnTimeout;

/**
 * Checks every {@link KeyedMutex} method when its bean is created: a supported return type, a
 * key expression (and condition) over the method's parameters, a valid wait time, a timeout
 * policy that can work and its fallback.
 */
public final class KeyedMutexValidator extends AnnotatedMethodValidator<KeyedMutex> {

	private final KeyExpressionEvaluator keys;

	private final DurationAttribute durations;

	private final OnTimeout defaultOnTimeout;

	/**
	 * @param defaultOnTimeout the policy of methods whose annotation sets none
	 */
	public KeyedMutexValidator(KeyExpressionEvaluator keys, DurationAttribute durations, OnTimeout defaultOnTimeout) {
		super(KeyedMutex.class);
		this.keys = keys;
		this.durations = durations;
		this.defaultOnTimeout = TimeoutPolicy.defaultPolicy("mutex", defaultOnTimeout);
	}

	/** With {@link OnTimeout#THROW} as the default policy. */
	public KeyedMutexValidator(KeyExpressionEvaluator keys, DurationAttribute durations) {
		this(keys, durations, OnTimeout.THROW);
	}

	@Override
	protected void validate(Class<?> beanClass, Method method, KeyedMutex mutex) {
		validate(method, mutex);
		KeyedMutexAspect.timeoutPolicy(method, beanClass, mutex, this.defaultOnTimeout);
	}

	@Override
	protected void validate(Method method, KeyedMutex mutex) {
		ReturnKind.of(method);
		this.keys.validate(method, "key", mutex.key());
		if (!mutex.condition().isEmpty()) {
			this.keys.validate(method, "condition", mutex.condition());
		}
		this.durations.resolve(method, "waitTime", mutex.waitTime());
	}

}
