package dev.baton.aop;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Collectors;

import org.springframework.util.ClassUtils;

/**
 * How Baton names a method in error messages ({@code OrderService.place(String, int)}) and in
 * meters ({@code OrderService.place}).
 */
final class MethodLabel {

	private MethodLabel() {
	}

	/** {@code Class.method(ParamType, ...)}, for error messages. */
	static String describe(Method method) {
		return shortName(method) + Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(Collectors.joining(", ", "(", ")"));
	}

	/** {@code Class.method}, the default {@code name} of Baton's annotations. */
	static String shortName(Method method) {
		return ClassUtils.getShortName(method.getDeclaringClass()) + "." + method.getName();
	}

	/** An annotation's {@code name}, or {@link #shortName} when it sets none. */
	static String name(Method method, String annotationName) {
		return annotationName.isEmpty() ? shortName(method) : annotationName;
	}

}
