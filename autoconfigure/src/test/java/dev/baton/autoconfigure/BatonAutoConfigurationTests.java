package dev.baton.autoconfigure;

import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import dev.baton.test.RedisTestCluster;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
	void publishesNoticesThroughShardedPubSubOnAClusterOf7UnlessToldToKeepPlainPubSub() {
		RedisTestCluster cluster = RedisTestCluster.shared();
		assumeTrue(cluster.info("server").values().stream().noneMatch((info) -> info.contains("redis_version:6.")),
				"the cluster's masters run Redis 6: no sharded pub/sub");
		LettuceConnectionFactory factory = cluster.newConnectionFactory();
		try {
			ApplicationContextRunner onCluster = this.runner.withBean(RedisConnectionFactory.class, () -> factory,
					(definition) -> definition.setDestroyMethodName(""));
			onCluster.run((context) -> assertThat(context.getBean(RedisPubSubHub.class).sharded()).isTrue());
			onCluster.withPropertyValues("baton.redis.sharded-pub-sub=false")
				.run((context) -> assertThat(context.getBean(RedisPubSubHub.class).sharded()).isFalse());
		}
		finally {
			factory.destroy();
		}
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
