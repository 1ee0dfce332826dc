package dev.baton.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.framework.ProxyConfig;
import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.lang.Nullable;
import org.springframework.util.ClassUtils;

/**
 * Checks the methods that carry an annotation when each bean is created, so that a bad key
 * expression or duration fails the application's start-up instead of its first call. A
 * subclass names the annotation and checks one method at a time; annotations are found where
 * {@link GuardedMethods} finds them at call time (the bean's class, its superclasses and its
 * interfaces, merged, so meta-annotations work), and a method no proxy can intercept (private,
 * static, final, of a final class proxied by subclassing) fails here, naming it, rather than run
 * unguarded. Each bean class is checked once, however many beans share it.
 * <p>
 * Register subclasses from a {@code static} {@code @Bean} method with
 * {@code @Role(BeanDefinition.ROLE_INFRASTRUCTURE)}, as for any {@link BeanPostProcessor}.
 * @param <A> the annotation type
 */
public abstract class AnnotatedMethodValidator<A extends Annotation> implements BeanPostProcessor, BeanFactoryAware {

	private final Class<A> annotationType;

	private final Set<Class<?>> checkedClasses = ConcurrentHashMap.newKeySet();

	@Nullable
	private ConfigurableListableBeanFactory beanFactory;

	protected AnnotatedMethodValidator(Class<A> annotationType) {
		this.annotationType = annotationType;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ConfigurableListableBeanFactory listable) ? listable : null;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		Class<?> type = ClassUtils.getUserClass(AopProxyUtils.ultimateTargetClass(bean));
		if (AnnotationUtils.isCandidateClass(type, this.annotationType) && this.checkedClasses.add(type)) {
			boolean subclassed = subclassed(beanName);
			annotatedMethods(type).forEach((method, annotation) -> {
				String unreachable = GuardedMethods.unreachable(method, type, subclassed);
				if (unreachable != null) {
					throw new IllegalStateException("@" + this.annotationType.getSimpleName() + " on "
							+ describe(method) + " cannot be applied: " + unreachable);
				}
				validate(type, method, annotation);
			});
		}
		return bean;
	}

	/**
	 * Whether the bean will be proxied by subclassing: when the bean definition or the
	 * auto-proxy creator asks for it, and when that cannot be told (the stricter assumption).
	 */
	private boolean subclassed(String beanName) {
		if (this.beanFactory == null) {
			return true;
		}
		if (this.beanFactory.containsBeanDefinition(beanName)
				&& AutoProxyUtils.shouldProxyTargetClass(this.beanFactory, beanName)) {
			return true;
		}
		Object creator = this.beanFactory.containsSingleton(AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME)
				? this.beanFactory.getSingleton(AopConfigUtils.AUTO_PROXY_CREATOR_BEAN_NAME) : null;
		return !(creator instanceof ProxyConfig config) || config.isProxyTargetClass();
	}

	private Map<Method, A> annotatedMethods(Class<?> type) {
		return MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<A>) (method) -> GuardedMethods.find(method, type, this.annotationType));
	}

	/**
	 * Checks one annotated method of a bean's class; by default {@link #validate(Method, Annotation)}.
	 * @param beanClass the bean's class (where a fallback method is looked for)
	 * @param method the method, as the bean's class runs it
	 * @param annotation its (merged) annotation
	 * @throws IllegalStateException naming the method, the attribute and the problem
	 */
	protected void validate(Class<?> beanClass, Method method, A annotation) {
		validate(method, annotation);
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
