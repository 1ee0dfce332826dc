package dev.baton.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.function.Supplier;

import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.util.function.SingletonSupplier;

/**
 * Applies one of Baton's aspects to the methods that carry its annotation wherever
 * {@link GuardedMethods} finds it: on the class, on an interface or superclass method, or as a
 * meta-annotation; through JDK and CGLIB proxies alike. (An AspectJ {@code @annotation}
 * pointcut sees only the class's own method, so an interface-declared annotation, which start-up
 * validation accepts, would silently not apply.)
 * <p>
 * The aspect is looked up on the first call, so that declaring the advisor, which auto-proxying
 * does early, does not create the aspect's dependencies (Redis connections) early too.
 */
public final class GuardAdvisor extends AbstractPointcutAdvisor {

	private final transient Pointcut pointcut;

	private final transient Advice advice;

	/**
	 * @param annotationType the annotation that marks guarded methods
	 * @param order the aspect's order, see {@link BatonAspectOrder}
	 * @param aspect the aspect, asked for once, on the first guarded call
	 */
	public GuardAdvisor(Class<? extends Annotation> annotationType, int order,
			Supplier<? extends MethodInterceptor> aspect) {
		this.pointcut = new AnnotatedMethodPointcut(annotationType);
		Supplier<? extends MethodInterceptor> once = SingletonSupplier.of(aspect);
		this.advice = (MethodInterceptor) (invocation) -> once.get().invoke(invocation);
		setOrder(order);
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.advice;
	}

	private static final class AnnotatedMethodPointcut extends StaticMethodMatcherPointcut {

		private final Class<? extends Annotation> annotationType;

		AnnotatedMethodPointcut(Class<? extends Annotation> annotationType) {
			this.annotationType = annotationType;
		}

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return GuardedMethods.find(method, targetClass, this.annotationType) != null;
		}

	}

}
