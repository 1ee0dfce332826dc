package dev.baton.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.CachedExpressionEvaluator;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.lang.Nullable;

/**
 * Evaluates the SpEL key expressions of Baton's annotations ({@code #sku},
 * {@code #order.userId}, {@code 'stock:' + #sku}). Each expression is parsed once per method
 * and cached; parameters are variables by name (and as {@code #a0}/{@code #p0}), the root
 * object is a {@link KeyExpressionRoot}, and {@code @bean} references resolve when a
 * {@link BeanFactory} is given. One instance is meant to be shared by an aspect and the
 * validator of its annotation, so that what start-up parsed is what calls evaluate.
 */
public final class KeyExpressionEvaluator extends CachedExpressionEvaluator {

	private final Map<ExpressionKey, Expression> expressions = new ConcurrentHashMap<>();

	@Nullable
	private final BeanFactory beanFactory;

	/** An evaluator without {@code @bean} references. */
	public KeyExpressionEvaluator() {
		this(null);
	}

	/**
	 * An evaluator whose expressions may reference beans ({@code @tenants.current()}).
	 * @param beanFactory where {@code @name} references are looked up, or {@code null} for none
	 */
	public KeyExpressionEvaluator(@Nullable BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	/**
	 * Checks an expression when the bean is created: it must parse, and every {@code #variable}
	 * it references must be a parameter of the method ({@code #root} and {@code #this} aside).
	 * @param method the annotated method
	 * @param attribute the annotation attribute holding the expression, for the message
	 * @param expression the expression text
	 * @throws IllegalStateException naming the method, the attribute, the expression and why
	 */
	public void validate(Method method, String attribute, String expression) {
		if (expression == null || expression.isBlank()) {
			throw invalid(method, attribute, expression, "the expression is empty");
		}
		Expression parsed;
		try {
			parsed = expression(method, expression);
		}
		catch (ParseException ex) {
			throw invalid(method, attribute, expression, ex.getMessage());
		}
		Set<String> known = variableNames(method);
		if (parsed instanceof SpelExpression spel) {
			variables(spel.getAST()).filter((name) -> !known.contains(name))
				.findFirst()
				.ifPresent((name) -> {
					throw invalid(method, attribute, expression, "#" + name + " is not a parameter of the method"
							+ " (parameters: " + String.join(", ", parameterNames(method)) + ")");
				});
		}
	}

	/**
	 * Evaluates an expression for one call.
	 * @param method the invoked method (the most specific one, on the target class)
	 * @param expression the expression text
	 * @param args the call's arguments
	 * @param target the bean the method is invoked on
	 * @return the value's {@code toString()}
	 * @throws IllegalArgumentException naming the method and the expression when the value is
	 * {@code null} or blank, or the evaluation fails
	 */
	public String evaluate(Method method, String expression, Object[] args, Object target) {
		Object value;
		try {
			value = expression(method, expression).getValue(context(method, args, target));
		}
		catch (EvaluationException ex) {
			throw new IllegalArgumentException("Key expression '" + expression + "' of " + MethodLabel.describe(method)
					+ " failed: " + ex.getMessage(), ex);
		}
		String key = (value != null) ? value.toString() : null;
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException("Key expression '" + expression + "' of " + MethodLabel.describe(method)
					+ " evaluated to " + ((key == null) ? "null" : "a blank string") + "; a key is required");
		}
		return key;
	}

	/**
	 * Evaluates a {@code condition} for one call, as {@code @Cacheable} does: the call is guarded
	 * only when it is {@code true} ({@code null} counts as {@code false}).
	 * @param method the invoked method (the most specific one, on the target class)
	 * @param expression the expression text, checked at start-up with {@link #validate}
	 * @param args the call's arguments
	 * @param target the bean the method is invoked on
	 * @return whether the call is guarded
	 * @throws IllegalArgumentException naming the method and the expression when the evaluation
	 * fails or the value is not a boolean
	 */
	public boolean condition(Method method, String expression, Object[] args, Object target) {
		try {
			return Boolean.TRUE.equals(expression(method, expression).getValue(context(method, args, target), Boolean.class));
		}
		catch (EvaluationException ex) {
			throw new IllegalArgumentException("Condition '" + expression + "' of " + MethodLabel.describe(method)
					+ " failed: " + ex.getMessage(), ex);
		}
	}

	private MethodBasedEvaluationContext context(Method method, Object[] args, Object target) {
		MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(
				new KeyExpressionRoot(method, args, target), method, args, getParameterNameDiscoverer());
		if (this.beanFactory != null) {
			context.setBeanResolver(new BeanFactoryResolver(this.beanFactory));
		}
		return context;
	}

	private Expression expression(Method method, String expression) {
		return getExpression(this.expressions, new AnnotatedElementKey(method, null), expression);
	}

	private Set<String> variableNames(Method method) {
		Stream<String> positional = IntStream.range(0, method.getParameterCount())
			.boxed()
			.flatMap((index) -> Stream.of("a" + index, "p" + index));
		return Stream.of(Stream.of("root", "this"), positional, Stream.of(parameterNames(method)))
			.flatMap((names) -> names)
			.collect(Collectors.toSet());
	}

	private String[] parameterNames(Method method) {
		String[] names = getParameterNameDiscoverer().getParameterNames(method);
		return (names != null) ? names : new String[0];
	}

	private static Stream<String> variables(SpelNode node) {
		Stream<String> own = (node instanceof VariableReference) ? Stream.of(node.toStringAST().substring(1))
				: Stream.empty();
		return Stream.concat(own, IntStream.range(0, node.getChildCount())
			.mapToObj(node::getChild)
			.flatMap(KeyExpressionEvaluator::variables));
	}

	private static IllegalStateException invalid(Method method, String attribute, String expression, String why) {
		return new IllegalStateException("Invalid " + attribute + " expression '" + expression + "' on "
				+ MethodLabel.describe(method) + ": " + why);
	}

}
