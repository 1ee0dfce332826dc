package dev.baton.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;

/**
 * Checks the methods that carry an annotation when each bean is created, so that a bad key
 * expression or duration fails the application's start-up instead of its first call. A
 * subclass names the annotation and checks one method at a time; annotations on the bean's
 * class, its superclasses and its interfaces are found (merged, so meta-annotations work).
 * Each bean class is checked once, however many beans share it.
 * <p>
 * Register subclasses from a {@code static} {@code @Bean} method with
 * {@code @Role(BeanDefinition.ROLE_INFRASTRUCTURE)}, as for any {@link BeanPostProcessor}.
 * @param <A> the annotation type
 */
public abstract class AnnotatedMethodValidator<A extends Annotation> implements BeanPostProcessor {

	private final Class<A> annotationType;

	private final Set<Class<?>> checkedClasses = ConcurrentHashMap.newKeySet();

	protected AnnotatedMethodValidator(Class<A> annotationType) {
		this.annotationType = annotationType;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		Class<?> type = ClassUtils.getUserClass(AopProxyUtils.ultimateTargetClass(bean));
		if (AnnotationUtils.isCandidateClass(type, this.annotationType) && this.checkedClasses.add(type)) {
			annotatedMethods(type).forEach(this::validate);
		}
		return bean;
	}

	private Map<Method, A> annotatedMethods(Class<?> type) {
		return MethodIntrospector.selectMethods(type, (MethodIntrospector.MetadataLookup<A>) (method) -> AnnotatedElementUtils
			.findMergedAnnotation(method, this.annotationType));
	}

	/**
	 * Checks one annotated method.
	 * @param method the method, as declared on the bean's class
	 * @param annotation its (merged) annotation
	 * @throws IllegalStateException naming the method, the attribute and the problem
	 */
	protected abstract void validate(Method method, A annotation);

	/**
	 * {@code Class.method(ParamType, ...)}, for messages that name the method.
	 * @param method a method
	 * @return its description
	 */
	protected static String describe(Method method) {
		return MethodLabel.describe(method);
	}

}
