package dev.baton.autoconfigure;

import dev.baton.redis.RedisKeyspace;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

class BatonAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class));

	@Test
	void createsTheKeyspaceWithTheDefaultPrefix() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RedisKeyspace.class).hasSingleBean(BatonProperties.class);
			assertThat(context.getBean(RedisKeyspace.class).key("lock", "a")).isEqualTo("baton:lock:{a}");
		});
	}

	@Test
	void bindsTheKeyPrefix() {
		this.runner.withPropertyValues("baton.redis.key-prefix=shop").run((context) -> assertThat(
				context.getBean(RedisKeyspace.class).key("lock", "a")).isEqualTo("shop:lock:{a}"));
	}

	@Test
	void rejectsABadKeyPrefixNamingTheProperty() {
		this.runner.withPropertyValues("baton.redis.key-prefix=a{b").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = new InvalidSettingFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'baton.redis.key-prefix'").contains("'a{b'");
			assertThat(analysis.getAction()).contains("baton.redis.key-prefix");
		});
	}

	@Test
	void backsOffWhenTheUserDefinesTheirOwn() {
		this.runner.withUserConfiguration(OwnKeyspace.class).run((context) -> {
			assertThat(context).hasSingleBean(RedisKeyspace.class);
			assertThat(context.getBean(RedisKeyspace.class).prefix()).isEqualTo("mine");
		});
	}

	@Test
	void createsNothingWhenDisabled() {
		this.runner.withPropertyValues("baton.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RedisKeyspace.class)
				.doesNotHaveBean(BatonProperties.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnKeyspace {

		@Bean
		RedisKeyspace ownKeyspace() {
			return new RedisKeyspace("mine");
		}

	}

}
