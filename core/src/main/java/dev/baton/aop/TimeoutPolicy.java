package dev.baton.aop;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import dev.baton.InvalidSettingException;
import dev.baton.WaitObserver.Outcome;
import dev.baton.annotation.OnTimeout;
import org.aspectj.lang.ProceedingJoinPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.ResolvableType;
import org.springframework.lang.Nullable;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * What one guarded method does when its wait runs out ({@link OnTimeout}): throw, return
 * nothing, or run its fallback. Built once per method, at start-up by the validator (which is
 * how a bad fallback fails the start-up) and on the first call by the aspect, by the same rules.
 */
final class TimeoutPolicy {

	private static final Logger logger = LoggerFactory.getLogger(TimeoutPolicy.class);

	private final OnTimeout policy;

	private final Class<? extends RuntimeException> timeoutType;

	private final Method method;

	@Nullable
	private final Method fallback;

	private TimeoutPolicy(OnTimeout policy, Class<? extends RuntimeException> timeoutType, Method method,
			@Nullable Method fallback) {
		this.policy = policy;
		this.timeoutType = timeoutType;
		this.method = method;
		this.fallback = fallback;
	}

	/**
	 * A feature's default policy, for methods whose annotation sets none.
	 * @param feature the feature ({@code lock}, {@code mutex}), for the message
	 * @param policy the configured default; {@link OnTimeout#DEFAULT} means {@link OnTimeout#THROW}
	 * @return {@link OnTimeout#THROW} or {@link OnTimeout#SKIP}
	 * @throws InvalidSettingException for {@link OnTimeout#FALLBACK}: a fallback is a method of
	 * one bean, named on its annotation
	 */
	static OnTimeout defaultPolicy(String feature, OnTimeout policy) {
		if (policy == OnTimeout.FALLBACK) {
			throw new InvalidSettingException(feature, "onTimeout",
					"cannot be FALLBACK for every method: a fallback is named on the annotation (use THROW or SKIP)");
		}
		return (policy == OnTimeout.DEFAULT) ? OnTimeout.THROW : policy;
	}

	/**
	 * Resolves a method's policy.
	 * @param annotation the annotation's simple name, for messages
	 * @param method the annotated method, as the bean's class runs it
	 * @param beanClass the bean's class, where the fallback is looked for
	 * @param onTimeout the annotation's {@code onTimeout}
	 * @param fallback the annotation's {@code fallback}
	 * @param defaultPolicy the feature's default ({@link OnTimeout#THROW} or {@link OnTimeout#SKIP})
	 * @param timeoutType the feature's timeout exception
	 * @throws IllegalStateException naming the method (and the fallback) when the policy cannot work
	 */
	static TimeoutPolicy of(String annotation, Method method, Class<?> beanClass, OnTimeout onTimeout, String fallback,
			OnTimeout defaultPolicy, Class<? extends RuntimeException> timeoutType) {
		OnTimeout policy = (onTimeout != OnTimeout.DEFAULT) ? onTimeout
				: (!fallback.isEmpty() ? OnTimeout.FALLBACK : defaultPolicy);
		String where = "@" + annotation + " on " + MethodLabel.describe(method);
		if (policy == OnTimeout.FALLBACK && fallback.isEmpty()) {
			throw new IllegalStateException(where + " has onTimeout FALLBACK but names no fallback method");
		}
		if (policy != OnTimeout.FALLBACK && !fallback.isEmpty()) {
			throw new IllegalStateException(where + " names fallback '" + fallback + "' but its onTimeout is " + policy
					+ "; set onTimeout = FALLBACK or leave it unset");
		}
		Class<?> returnType = method.getReturnType();
		if (policy == OnTimeout.SKIP && returnType.isPrimitive() && returnType != void.class) {
			throw new IllegalStateException(where + " cannot skip: it returns " + returnType.getName()
					+ ", which has no empty value. Return a wrapper, Optional or void, or use onTimeout = FALLBACK");
		}
		Method fallbackMethod = (policy == OnTimeout.FALLBACK)
				? fallbackMethod(where, method, beanClass, fallback, timeoutType) : null;
		return new TimeoutPolicy(policy, timeoutType, method, fallbackMethod);
	}

	private static Method fallbackMethod(String where, Method method, Class<?> beanClass, String name,
			Class<? extends RuntimeException> timeoutType) {
		List<Method> candidates = new ArrayList<>();
		for (Method candidate : ReflectionUtils.getUniqueDeclaredMethods(beanClass)) {
			if (candidate.getName().equals(name) && fits(method, candidate, timeoutType)) {
				candidates.add(candidate);
			}
		}
		String params = Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.reduce((a, b) -> a + ", " + b)
			.orElse("");
		if (candidates.isEmpty()) {
			throw new IllegalStateException(where + " names fallback '" + name + "', but " + beanClass.getSimpleName()
					+ " has no method " + name + "(" + params + ") nor " + name + "(" + params + (params.isEmpty() ? "" : ", ")
					+ timeoutType.getSimpleName() + ")");
		}
		Method fallback = candidates.get(0);
		ResolvableType expected = ResolvableType.forMethodReturnType(method, beanClass);
		ResolvableType actual = ResolvableType.forMethodReturnType(fallback, beanClass);
		boolean fitsPrimitive = method.getReturnType().isPrimitive()
				&& ClassUtils.isAssignable(method.getReturnType(), fallback.getReturnType());
		if (method.getReturnType() != void.class && !fitsPrimitive && !expected.isAssignableFrom(actual)) {
			throw new IllegalStateException(where + " names fallback '" + name + "', but " + MethodLabel.describe(fallback)
					+ " returns " + simpleName(actual) + ", which does not fit " + simpleName(expected));
		}
		ReflectionUtils.makeAccessible(fallback);
		return fallback;
	}

	private static String simpleName(ResolvableType type) {
		Class<?> resolved = type.toClass();
		if (!type.hasGenerics()) {
			return resolved.getSimpleName();
		}
		return resolved.getSimpleName() + Arrays.stream(type.getGenerics())
			.map(TimeoutPolicy::simpleName)
			.collect(Collectors.joining(", ", "<", ">"));
	}

	private static boolean fits(Method method, Method candidate, Class<?> timeoutType) {
		Class<?>[] expected = method.getParameterTypes();
		Class<?>[] actual = candidate.getParameterTypes();
		if (actual.length == expected.length) {
			return Arrays.equals(actual, expected);
		}
		return actual.length == expected.length + 1 && Arrays.equals(Arrays.copyOf(actual, expected.length), expected)
				&& actual[expected.length].isAssignableFrom(timeoutType);
	}

	/** Whether a timeout is handled here rather than thrown. */
	boolean handles(Throwable error) {
		return this.policy != OnTimeout.THROW && this.timeoutType.isInstance(error);
	}

	/** The {@code outcome} a wait that ran out is counted with. */
	Outcome outcome() {
		return switch (this.policy) {
			case SKIP -> Outcome.SKIPPED;
			case FALLBACK -> Outcome.FALLBACK;
			default -> Outcome.TIMEOUT;
		};
	}

	/**
	 * What the call returns instead of running the method: nothing of the method's return kind,
	 * or what the fallback returns.
	 * @param joinPoint the call
	 * @param kind the method's return kind
	 * @param timeout the feature's timeout exception
	 * @return a plain value, or a {@code Mono}, {@code Flux} or {@code CompletionStage}
	 * @throws Throwable for plain methods, what the fallback throws
	 */
	Object timedOut(ProceedingJoinPoint joinPoint, ReturnKind kind, Throwable timeout) throws Throwable {
		if (this.fallback == null) {
			if (logger.isDebugEnabled()) {
				logger.debug("Skipped {}: {}", MethodLabel.describe(this.method), timeout.getMessage());
			}
			return switch (kind) {
				case PLAIN -> (this.method.getReturnType() == Optional.class) ? Optional.empty() : null;
				case MONO -> Mono.empty();
				case FLUX -> Flux.empty();
				case COMPLETION_STAGE -> CompletableFuture.completedFuture(null);
			};
		}
		return (kind == ReturnKind.PLAIN) ? fallback(joinPoint, timeout) : deferredFallback(joinPoint, kind, timeout);
	}

	private Object deferredFallback(ProceedingJoinPoint joinPoint, ReturnKind kind, Throwable timeout) {
		try {
			Object returned = fallback(joinPoint, timeout);
			if (returned == null) {
				return (kind == ReturnKind.COMPLETION_STAGE) ? CompletableFuture.completedFuture(null) : Mono.empty();
			}
			return returned;
		}
		catch (Throwable ex) {
			return switch (kind) {
				case COMPLETION_STAGE -> CompletableFuture.failedFuture(ex);
				case FLUX -> Flux.error(ex);
				default -> Mono.error(ex);
			};
		}
	}

	private Object fallback(ProceedingJoinPoint joinPoint, Throwable timeout) throws Throwable {
		Object[] args = joinPoint.getArgs();
		if (this.fallback.getParameterCount() > args.length) {
			args = Arrays.copyOf(args, args.length + 1);
			args[args.length - 1] = timeout;
		}
		Object target = Modifier.isStatic(this.fallback.getModifiers()) ? null : joinPoint.getTarget();
		try {
			return this.fallback.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

}
