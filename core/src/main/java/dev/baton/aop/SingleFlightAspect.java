package dev.baton.aop;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import dev.baton.annotation.SingleFlight;
import dev.baton.singleflight.FlightOptions;
import dev.baton.singleflight.SingleFlightException;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.aspectj.lang.ProceedingJoinPoint;
import reactor.core.publisher.Mono;

import org.springframework.aop.support.AopUtils;
import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.core.ResolvableType;
import org.springframework.lang.Nullable;

/**
 * Runs {@link SingleFlight @SingleFlight} methods as flights: resolve the key, then let the
 * {@link dev.baton.singleflight.SingleFlight} run the method (or share someone else's result),
 * through {@code execute}, {@code executeAsync} or {@code executeReactive} by return type. A
 * call whose {@code condition} is false runs as a plain call. Applied by {@link GuardAdvisor}
 * ({@link BatonAspectOrder#SINGLE_FLIGHT}).
 */
public final class SingleFlightAspect implements MethodInterceptor {

	private final dev.baton.singleflight.SingleFlight flights;

	private final KeyExpressionEvaluator expressions;

	private final DurationAttribute durations;

	private final Map<AnnotatedElementKey, FlightSpec> specs = new ConcurrentHashMap<>();

	public SingleFlightAspect(dev.baton.singleflight.SingleFlight flights, KeyExpressionEvaluator expressions,
			DurationAttribute durations) {
		this.flights = flights;
		this.expressions = expressions;
		this.durations = durations;
	}

	@Override
	@Nullable
	public Object invoke(MethodInvocation invocation) throws Throwable {
		ProceedingJoinPoint joinPoint = GuardedInvocation.joinPoint(invocation);
		Method method = GuardedInvocation.targetMethod(joinPoint);
		Class<?> beanClass = AopUtils.getTargetClass(joinPoint.getTarget());
		SingleFlight annotation = annotation(method, beanClass);
		FlightSpec spec = this.specs.computeIfAbsent(new AnnotatedElementKey(method, beanClass),
				(m) -> spec(method, annotation, this.durations));
		if (!annotation.condition().isEmpty() && !this.expressions.condition(method, annotation.condition(),
				joinPoint.getArgs(), joinPoint.getTarget())) {
			return joinPoint.proceed();
		}
		String key = this.expressions.evaluate(method, annotation.key(), joinPoint.getArgs(), joinPoint.getTarget());
		return switch (spec.kind()) {
			case PLAIN -> plain(joinPoint, key, spec.options());
			case COMPLETION_STAGE -> this.flights.executeAsync(key, spec.options(),
					() -> (CompletionStage<?>) proceed(joinPoint));
			case MONO -> this.flights.executeReactive(key, spec.options(), () -> (Mono<?>) proceed(joinPoint));
			case FLUX -> throw new IllegalStateException(SingleFlightMethodValidator.fluxRefused(method));
		};
	}

	private Object plain(ProceedingJoinPoint joinPoint, String key, FlightOptions<Object> options) throws Throwable {
		try {
			return this.flights.execute(key, options, () -> invoke(joinPoint));
		}
		catch (SingleFlightException ex) {
			// The method's own checked exception, as the method declared it.
			throw ex.isLoaderFailure() ? ex.getCause() : ex;
		}
	}

	private static SingleFlight annotation(Method method, Class<?> beanClass) {
		SingleFlight annotation = GuardedMethods.find(method, beanClass, SingleFlight.class);
		if (annotation == null) {
			throw new IllegalStateException("No @SingleFlight found on " + MethodLabel.describe(method));
		}
		return annotation;
	}

	/** Runs the method for an asynchronous flight; what it throws becomes the flight's failure. */
	private static Object proceed(ProceedingJoinPoint joinPoint) {
		try {
			return invoke(joinPoint);
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new UndeclaredThrowableException(ex);
		}
	}

	private static Object invoke(ProceedingJoinPoint joinPoint) throws Exception {
		try {
			return joinPoint.proceed();
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new UndeclaredThrowableException(ex);
		}
	}

	/**
	 * What a {@code @SingleFlight} method's flights are: name, durations and the type stored in
	 * Redis (the declared return type; for {@code Mono<T>} and {@code CompletionStage<T>}, T).
	 * @throws IllegalStateException naming the method and the attribute when a duration is invalid
	 */
	static FlightSpec spec(Method method, SingleFlight annotation, DurationAttribute durations) {
		ReturnKind kind = ReturnKind.of(method);
		ResolvableType returnType = ResolvableType.forMethodReturnType(method);
		Type type = (kind == ReturnKind.PLAIN) ? returnType.getType() : returnType.getGeneric(0).getType();
		Duration waitTimeout = positive(method, "waitTimeout", annotation.waitTimeout(), durations);
		FlightOptions<Object> options = FlightOptions.ofType(type)
			.named(MethodLabel.name(method, annotation.name()))
			.ttl(durations.resolve(method, "ttl", annotation.ttl()))
			.localTtl(durations.resolve(method, "localTtl", annotation.localTtl()))
			.waitTimeout(waitTimeout)
			.errorTtl(durations.resolve(method, "errorTtl", annotation.errorTtl()))
			.maxFlightTime(positive(method, "maxFlightTime", annotation.maxFlightTime(), durations))
			.onStoreFailure(annotation.onStoreFailure());
		return new FlightSpec(options, kind);
	}

	private static Duration positive(Method method, String attribute, String text, DurationAttribute durations) {
		Duration duration = durations.resolve(method, attribute, text);
		if (duration != null && duration.isZero()) {
			throw new IllegalStateException("Invalid " + attribute + " '" + text + "' on " + MethodLabel.describe(method)
					+ ": it must be positive");
		}
		return duration;
	}

	record FlightSpec(FlightOptions<Object> options, ReturnKind kind) {
	}

}
