package dev.baton.aop;

import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

class KeyExpressionEvaluatorTests {

	private final KeyExpressionEvaluator evaluator = new KeyExpressionEvaluator();

	private final Method place = ReflectionUtils.findMethod(Orders.class, "place", Order.class, int.class);

	private final Orders target = new Orders();

	@Test
	void evaluatesParametersByNameAndPosition() {
		Object[] args = { new Order("u-7", "sku-1"), 3 };
		assertThat(this.evaluator.evaluate(this.place, "#order.userId", args, this.target)).isEqualTo("u-7");
		assertThat(this.evaluator.evaluate(this.place, "#order.sku + ':' + #quantity", args, this.target))
			.isEqualTo("sku-1:3");
		assertThat(this.evaluator.evaluate(this.place, "#p1", args, this.target)).isEqualTo("3");
		assertThat(this.evaluator.evaluate(this.place, "#root.method.name + #root.args[1]", args, this.target))
			.isEqualTo("place3");
	}

	@Test
	void resolvesBeanReferencesWhenGivenABeanFactory() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("tenant", new Tenant("acme"));
		KeyExpressionEvaluator withBeans = new KeyExpressionEvaluator(beanFactory);
		Object[] args = { new Order("u-7", "sku-1"), 3 };
		assertThat(withBeans.evaluate(this.place, "@tenant.name + ':' + #order.userId", args, this.target))
			.isEqualTo("acme:u-7");
	}

	@Test
	void acceptsExpressionsOverKnownParameters() {
		assertThatNoException().isThrownBy(() -> {
			this.evaluator.validate(this.place, "key", "#order.userId");
			this.evaluator.validate(this.place, "key", "#a0.sku + #p1 + #root.args.length");
			this.evaluator.validate(this.place, "key", "'global'");
		});
	}

	@Test
	void rejectsAnUnknownParameterNamingTheMethodAttributeAndExpression() {
		assertThatIllegalStateException().isThrownBy(() -> this.evaluator.validate(this.place, "key", "#userId"))
			.withMessageContaining("Orders.place(Order, int)")
			.withMessageContaining("key")
			.withMessageContaining("'#userId'")
			.withMessageContaining("#userId is not a parameter")
			.withMessageContaining("order, quantity");
	}

	@Test
	void rejectsUnparsableAndEmptyExpressions() {
		assertThatIllegalStateException().isThrownBy(() -> this.evaluator.validate(this.place, "keys", "#order.("))
			.withMessageContaining("keys")
			.withMessageContaining("'#order.('")
			.withMessageContaining("Orders.place(Order, int)");
		assertThatIllegalStateException().isThrownBy(() -> this.evaluator.validate(this.place, "key", " "))
			.withMessageContaining("empty");
	}

	@Test
	void rejectsNullOrBlankKeysAtCallTime() {
		Object[] args = { new Order(null, " "), 1 };
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.evaluator.evaluate(this.place, "#order.userId", args, this.target))
			.withMessageContaining("'#order.userId'")
			.withMessageContaining("Orders.place(Order, int)")
			.withMessageContaining("null");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.evaluator.evaluate(this.place, "#order.sku", args, this.target))
			.withMessageContaining("blank");
	}

	@Test
	void reportsEvaluationFailuresNamingTheExpression() {
		Object[] args = { null, 1 };
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.evaluator.evaluate(this.place, "#order.userId", args, this.target))
			.withMessageContaining("'#order.userId'")
			.withMessageContaining("Orders.place(Order, int)");
	}

	public record Order(String userId, String sku) {
	}

	public record Tenant(String name) {
	}

	static class Orders {

		void place(Order order, int quantity) {
		}

	}

}
