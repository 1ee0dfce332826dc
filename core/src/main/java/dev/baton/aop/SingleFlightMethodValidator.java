package dev.baton.aop;

import java.lang.reflect.Method;

import dev.baton.annotation.SingleFlight;

/** Checks {@code @SingleFlight} methods when their bean is created: key, condition, durations, return type. */
public final class SingleFlightMethodValidator extends AnnotatedMethodValidator<SingleFlight> {

	private final KeyExpressionEvaluator expressions;

	private final DurationAttribute durations;

	public SingleFlightMethodValidator(KeyExpressionEvaluator expressions, DurationAttribute durations) {
		super(SingleFlight.class);
		this.expressions = expressions;
		this.durations = durations;
	}

	@Override
	protected void validate(Method method, SingleFlight annotation) {
		if (ReturnKind.of(method) == ReturnKind.FLUX) {
			throw new IllegalStateException(fluxRefused(method));
		}
		this.expressions.validate(method, "key", annotation.key());
		if (!annotation.condition().isEmpty()) {
			this.expressions.validate(method, "condition", annotation.condition());
		}
		SingleFlightAspect.spec(method, annotation, this.durations);
	}

	static String fluxRefused(Method method) {
		return "@SingleFlight on " + describe(method) + " returns " + method.getReturnType().getSimpleName()
				+ ", which it cannot share: a flight stores and hands out one result, and a stream has none (its "
				+ "elements would have to be buffered whole, and a late subscriber would miss those already emitted)."
				+ " Return Mono<List<T>> instead.";
	}

}
