package dev.baton.aop;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

class AnnotatedMethodValidatorTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ValidatorConfiguration.class);

	@Test
	void checksEachAnnotatedMethodOnceWhenTheBeanIsCreated() {
		this.runner.withBean(GoodService.class).withBean("second", GoodService.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(GuardedValidator.class).checked).containsExactlyInAnyOrder("reserve", "refund");
		});
	}

	@Test
	void findsAnnotationsDeclaredOnInterfaces() {
		this.runner.withBean(InterfaceService.class)
			.run((context) -> assertThat(context.getBean(GuardedValidator.class).checked).containsExactly("cancel"));
	}

	@Test
	void failsStartUpWhenAKeyReferencesAMissingParameter() {
		this.runner.withBean(BadKeyService.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("BadKeyService.reserve(String)")
				.hasMessageContaining("'#userId'")
				.hasMessageContaining("key"));
	}

	@Test
	void failsStartUpWhenADurationIsBadNamingTheAttribute() {
		this.runner.withBean(BadDurationService.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("waitTime")
				.hasMessageContaining("'soon'")
				.hasMessageContaining("BadDurationService.reserve(String)"));
	}

	@Test
	void letsAFeatureAddItsOwnChecks() {
		this.runner.withBean(FluxService.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("FluxService.stream(String)")
				.hasMessageContaining("Flux is not supported"));
	}

	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.METHOD)
	@interface Guarded {

		String key();

		String waitTime() default "";

	}

	static final class GuardedValidator extends AnnotatedMethodValidator<Guarded> {

		final List<String> checked = new CopyOnWriteArrayList<>();

		private final KeyExpressionEvaluator keys = new KeyExpressionEvaluator();

		private final DurationAttribute durations;

		GuardedValidator(Environment environment) {
			super(Guarded.class);
			this.durations = new DurationAttribute(environment);
		}

		@Override
		protected void validate(Method method, Guarded guarded) {
			this.checked.add(method.getName());
			this.keys.validate(method, "key", guarded.key());
			this.durations.resolve(method, "waitTime", guarded.waitTime());
			if (ReturnKind.of(method) == ReturnKind.FLUX) {
				throw new IllegalStateException(describe(method) + ": Flux is not supported");
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ValidatorConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static GuardedValidator guardedValidator(Environment environment) {
			return new GuardedValidator(environment);
		}

	}

	static class GoodService {

		@Guarded(key = "#sku", waitTime = "1s")
		public void reserve(String sku) {
		}

		@Guarded(key = "#orderId")
		public void refund(long orderId) {
		}

		public void unguarded(String other) {
		}

	}

	interface Cancellation {

		@Guarded(key = "#orderId")
		void cancel(long orderId);

	}

	static class InterfaceService implements Cancellation {

		@Override
		public void cancel(long orderId) {
		}

	}

	static class BadKeyService {

		@Guarded(key = "#userId")
		public void reserve(String sku) {
		}

	}

	static class BadDurationService {

		@Guarded(key = "#sku", waitTime = "soon")
		public void reserve(String sku) {
		}

	}

	static class FluxService {

		@Guarded(key = "#sku")
		public Flux<String> stream(String sku) {
			return Flux.empty();
		}

	}

}
