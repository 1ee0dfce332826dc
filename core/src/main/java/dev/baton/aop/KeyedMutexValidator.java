package dev.baton.aop;

import java.lang.reflect.Method;

import dev.baton.annotation.KeyedMutex;

/**
 * Checks every {@link KeyedMutex} method when its bean is created: a supported return type, a
 * key expression over the method's parameters, a valid wait time.
 */
public final class KeyedMutexValidator extends AnnotatedMethodValidator<KeyedMutex> {

	private final KeyExpressionEvaluator keys;

	private final DurationAttribute durations;

	public KeyedMutexValidator(KeyExpressionEvaluator keys, DurationAttribute durations) {
		super(KeyedMutex.class);
		this.keys = keys;
		this.durations = durations;
	}

	@Override
	protected void validate(Method method, KeyedMutex mutex) {
		ReturnKind.of(method);
		this.keys.validate(method, "key", mutex.key());
		this.durations.resolve(method, "waitTime", mutex.waitTime());
	}

}
