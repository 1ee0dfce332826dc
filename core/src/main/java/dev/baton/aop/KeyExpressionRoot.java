package dev.baton.aop;

import java.lang.reflect.Method;

/**
 * The root object of a key expression: {@code #root.method.name}, {@code #root.args[0]},
 * {@code #root.targetClass}. Parameters are usually referenced by name instead ({@code #sku}).
 */
public final class KeyExpressionRoot {

	private final Method method;

	private final Object[] args;

	private final Object target;

	KeyExpressionRoot(Method method, Object[] args, Object target) {
		this.method = method;
		this.args = args;
		this.target = target;
	}

	/** The invoked method. */
	public Method getMethod() {
		return this.method;
	}

	/** The arguments of this call. */
	public Object[] getArgs() {
		return this.args;
	}

	/** The bean the method is invoked on. */
	public Object getTarget() {
		return this.target;
	}

	/** The class of that bean. */
	public Class<?> getTargetClass() {
		return this.target.getClass();
	}

}
