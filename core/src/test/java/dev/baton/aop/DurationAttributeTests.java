package dev.baton.aop;

import java.lang.reflect.Method;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class DurationAttributeTests {

	private final MockEnvironment environment = new MockEnvironment().withProperty("flash.wait", "750ms");

	private final DurationAttribute durations = new DurationAttribute(this.environment);

	private final Method method = ReflectionUtils.findMethod(Orders.class, "place", String.class);

	@Test
	void parsesSimpleAndIsoDurations() {
		assertThat(this.durations.resolve(this.method, "waitTime", "500ms")).isEqualTo(Duration.ofMillis(500));
		assertThat(this.durations.resolve(this.method, "waitTime", "2s")).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.durations.resolve(this.method, "waitTime", "PT30S")).isEqualTo(Duration.ofSeconds(30));
		assertThat(this.durations.resolve(this.method, "waitTime", "0s")).isEqualTo(Duration.ZERO);
	}

	@Test
	void resolvesPlaceholdersThroughTheEnvironment() {
		assertThat(this.durations.resolve(this.method, "waitTime", "${flash.wait}")).isEqualTo(Duration.ofMillis(750));
		assertThat(this.durations.resolve(this.method, "waitTime", "${flash.other:3s}")).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void emptyMeansNotSet() {
		assertThat(this.durations.resolve(this.method, "waitTime", "")).isNull();
		assertThat(this.durations.resolve(this.method, "waitTime", "${flash.unset:}")).isNull();
	}

	@Test
	void rejectsBadTextNamingTheMethodTheAttributeAndTheText() {
		assertThatIllegalStateException().isThrownBy(() -> this.durations.resolve(this.method, "waitTime", "5 seconds"))
			.withMessageContaining("waitTime")
			.withMessageContaining("'5 seconds'")
			.withMessageContaining("Orders.place(String)");
	}

	@Test
	void rejectsNegativeDurationsAndUnresolvablePlaceholders() {
		assertThatIllegalStateException().isThrownBy(() -> this.durations.resolve(this.method, "leaseTime", "-1s"))
			.withMessageContaining("leaseTime")
			.withMessageContaining("negative");
		assertThatIllegalStateException()
			.isThrownBy(() -> this.durations.resolve(this.method, "waitTime", "${flash.missing}"))
			.withMessageContaining("flash.missing");
	}

	interface Orders {

		void place(String sku);

	}

}
