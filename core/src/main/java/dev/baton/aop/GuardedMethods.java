package dev.baton.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.lang.Nullable;
import org.springframework.util.ClassUtils;

/**
 * Where Baton finds its annotations, in one place for the pointcut, the aspects and the start-up
 * validators, so that what start-up accepts is what calls are guarded by: on the method the bean's
 * class runs, on the interface or superclass method it implements or overrides, and as a
 * meta-annotation (merged, so {@code @AliasFor} attributes of a composed annotation count).
 */
final class GuardedMethods {

	private GuardedMethods() {
	}

	/**
	 * The annotation of a method as the bean's class runs it.
	 * @param method the method a proxy saw (perhaps an interface's)
	 * @param targetClass the bean's class, or {@code null} if unknown
	 * @param type the annotation type
	 * @return the merged annotation, or {@code null} when the method has none
	 */
	@Nullable
	static <A extends Annotation> A find(Method method, @Nullable Class<?> targetClass, Class<A> type) {
		Method specific = (targetClass != null) ? AopUtils.getMostSpecificMethod(method, targetClass) : method;
		A found = AnnotatedElementUtils.findMergedAnnotation(specific, type);
		return (found != null || specific == method) ? found : AnnotatedElementUtils.findMergedAnnotation(method, type);
	}

	/**
	 * Why no proxy can intercept a method, or {@code null} when one can.
	 * @param method the annotated method, as the bean's class runs it
	 * @param subclassed whether the bean is proxied by subclassing (CGLIB) rather than through
	 * its interfaces
	 * @return the reason, for a start-up error naming the method
	 */
	@Nullable
	static String unreachable(Method method, Class<?> beanClass, boolean subclassed) {
		int modifiers = method.getModifiers();
		if (Modifier.isPrivate(modifiers)) {
			return "it is private, and a proxy only intercepts calls it can override or reach through an interface";
		}
		if (Modifier.isStatic(modifiers)) {
			return "it is static, and a proxy only intercepts calls on the bean";
		}
		boolean viaInterface = !subclassed && declaredByInterface(method, beanClass);
		if (Modifier.isFinal(modifiers) && !viaInterface) {
			return "it is final, so the proxy's subclass cannot override it; remove final";
		}
		if (Modifier.isFinal(beanClass.getModifiers()) && !viaInterface) {
			return "its class " + beanClass.getSimpleName() + " is final, so no proxy can subclass it; remove final"
					+ " (or declare the method on an interface and let the bean be proxied through its interfaces)";
		}
		return null;
	}

	private static boolean declaredByInterface(Method method, Class<?> beanClass) {
		for (Class<?> type : ClassUtils.getAllInterfacesForClassAsSet(beanClass)) {
			try {
				type.getMethod(method.getName(), method.getParameterTypes());
				return true;
			}
			catch (NoSuchMethodException ex) {
				// not this one
			}
		}
		return false;
	}

}
