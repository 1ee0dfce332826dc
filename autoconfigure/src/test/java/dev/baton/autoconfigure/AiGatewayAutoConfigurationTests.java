package dev.baton.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.baton.ai.AiGatewayClient;
import dev.baton.ai.AiGatewayException;
import dev.baton.ai.AiGatewayMetrics;
import dev.baton.ai.BatchResult;
import dev.baton.ai.ChatRequest;
import dev.baton.ai.FakeOpenAiServer;
import dev.baton.ai.MicrometerAiGatewayMetrics;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.autoconfigure.context.properties.ConfigurationPropertiesReportEndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint.ConfigurationPropertiesBeanDescriptor;
import org.springframework.boot.actuate.autoconfigure.env.EnvironmentEndpointAutoConfiguration;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint.PropertyValueDescriptor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class AiGatewayAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class, AiGatewayAutoConfiguration.class));

	private final ApplicationContextRunner withResilience4j = this.runner.withConfiguration(
			BootAutoConfigurations.resilience4j());

	@Test
	void createsNoClientWithoutABaseUrl() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(AiGatewayClient.class)
			.doesNotHaveBean(AiProperties.class));
	}

	@Test
	void createsNothingWhenBatonIsDisabled() {
		this.runner.withPropertyValues("baton.enabled=false", "baton.ai.base-url=http://localhost:1/v1")
			.run((context) -> assertThat(context).doesNotHaveBean(AiGatewayClient.class));
	}

	@Test
	void bindsPropertiesIntoTheResilience4jInstances() {
		this.withResilience4j
			.withPropertyValues("baton.ai.base-url=http://127.0.0.1:1/v1", "baton.ai.model=m1",
					"baton.ai.max-concurrency=7", "baton.ai.requests-per-minute=600", "baton.ai.max-attempts=3",
					"baton.ai.response-timeout=9s", "baton.ai.tokens-per-minute=90000", "baton.ai.cluster-limits=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(AiGatewayClient.class);
				AiProperties properties = context.getBean(AiProperties.class);
				assertThat(properties.getModel()).isEqualTo("m1");
				assertThat(properties.getTokensPerMinute()).isEqualTo(90000);
				assertThat(context.getBean(BulkheadRegistry.class).bulkhead("baton-ai").getBulkheadConfig()
					.getMaxConcurrentCalls()).isEqualTo(7);
				assertThat(context.getBean(RetryRegistry.class).retry("baton-ai").getRetryConfig().getMaxAttempts())
					.isEqualTo(3);
				assertThat(context.getBean(TimeLimiterRegistry.class).timeLimiter("baton-ai").getTimeLimiterConfig()
					.getTimeoutDuration()).isEqualTo(Duration.ofSeconds(9));
				var rateLimiter = context.getBean(RateLimiterRegistry.class).find("baton-ai").orElseThrow();
				double perMinute = rateLimiter.getRateLimiterConfig().getLimitForPeriod()
						* (60_000.0 / rateLimiter.getRateLimiterConfig().getLimitRefreshPeriod().toMillis());
				assertThat(perMinute).isEqualTo(600.0);
			});
	}

	@Test
	void aUsersResilience4jInstanceOverridesBatonsDefault() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start(0, Duration.ofSeconds(1),
				FakeOpenAiServer.RetryHint.RETRY_AFTER_SECONDS, 0, 1, Duration.ofMillis(20))) {
			this.withResilience4j
				.withPropertyValues("baton.ai.base-url=" + server.baseUrl(), "baton.ai.max-concurrency=10",
						"resilience4j.bulkhead.instances.baton-ai.max-concurrent-calls=2")
				.run((context) -> {
					List<BatchResult> results = context.getBean(AiGatewayClient.class)
						.chatAll(IntStream.range(0, 20).mapToObj((i) -> ChatRequest.of("r" + i)).toList(), 10)
						.collectList()
						.block(Duration.ofSeconds(20));
					assertThat(results).hasSize(20).allMatch(BatchResult::isSuccess);
					assertThat(server.highWaterMark()).isEqualTo(2);
				});
		}
	}

	@Test
	void batonsRetryValuesFillWhatTheUserLeftUnset() {
		this.withResilience4j
			.withPropertyValues("baton.ai.base-url=http://localhost:1/v1", "baton.ai.max-attempts=7",
					"resilience4j.retry.instances.baton-ai.max-attempts=2",
					"resilience4j.bulkhead.instances.baton-ai.max-wait-duration=3s", "baton.ai.max-concurrency=5")
			.run((context) -> {
				var retry = context.getBean(RetryRegistry.class).retry("baton-ai").getRetryConfig();
				assertThat(retry.getMaxAttempts()).as("the user's").isEqualTo(2);
				assertThat(retry.getExceptionPredicate()
					.test(new AiGatewayException("x", "m", 400, null, null, false, null))).as("Baton's predicate")
					.isFalse();
				assertThat(retry.getExceptionPredicate()
					.test(new AiGatewayException("x", "m", 503, null, null, true, null))).isTrue();
				var bulkhead = context.getBean(BulkheadRegistry.class).bulkhead("baton-ai").getBulkheadConfig();
				assertThat(bulkhead.getMaxConcurrentCalls()).as("Baton's").isEqualTo(5);
			});
	}

	@Test
	void refusesToStartWithoutAnApiKeyForARemoteHost() {
		this.runner.withPropertyValues("baton.ai.base-url=https://api.example.com/v1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("baton.ai.api-key")
				.hasMessageContaining("api.example.com"));
	}

	@Test
	void startsWithoutAnApiKeyForLoopbackHosts() {
		for (String url : List.of("http://localhost:8000/v1", "http://127.0.0.1:8000/v1", "http://[::1]:8000/v1")) {
			this.runner.withPropertyValues("baton.ai.base-url=" + url)
				.run((context) -> assertThat(context).hasSingleBean(AiGatewayClient.class));
		}
		this.runner.withPropertyValues("baton.ai.base-url=https://api.example.com/v1", "baton.ai.api-key=sk-test")
			.run((context) -> assertThat(context).hasSingleBean(AiGatewayClient.class));
	}

	@Test
	void clusterLimitsWithoutRedisFailNamingWhatIsMissing() {
		this.runner.withPropertyValues("baton.ai.base-url=http://localhost:1/v1", "baton.ai.cluster-limits=true")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("baton.ai.cluster-limits")
				.hasMessageContaining("spring.data.redis"));
	}

	@Test
	void masksTheApiKeyInConfigpropsEvenWhenValuesAreShown() {
		this.runner
			.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
					ConfigurationPropertiesReportEndpointAutoConfiguration.class))
			.withPropertyValues("baton.ai.base-url=https://api.example.com/v1", "baton.ai.api-key=sk-secret-value",
					"baton.ai.model=shown-model", "management.endpoint.configprops.show-values=always",
					"management.endpoints.web.exposure.include=configprops")
			.run((context) -> {
				ConfigurationPropertiesBeanDescriptor descriptor = context
					.getBean(ConfigurationPropertiesReportEndpoint.class)
					.configurationProperties()
					.getContexts()
					.values()
					.iterator()
					.next()
					.getBeans()
					.values()
					.stream()
					.filter((bean) -> bean.getPrefix().equals("baton.ai"))
					.findFirst()
					.orElseThrow();
				Map<String, Object> properties = descriptor.getProperties();
				assertThat(properties).containsEntry("model", "shown-model").containsEntry("apiKey", "******");
				assertThat(properties.toString()).doesNotContain("sk-secret-value");
			});
	}

	@Test
	void masksTheApiKeyInEnvUnderItsEnvironmentVariableNameEvenWhenValuesAreShown() {
		this.runner
			.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
					EnvironmentEndpointAutoConfiguration.class))
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("test-environment",
						Map.of("BATON_AI_API_KEY", "sk-env-secret", "BATON_AI_MODEL", "shown-model"))))
			.withPropertyValues("baton.ai.base-url=https://api.example.com/v1",
					"management.endpoint.env.show-values=always", "management.endpoints.web.exposure.include=env")
			.run((context) -> {
				assertThat(context).hasSingleBean(AiGatewayClient.class);
				Map<String, PropertyValueDescriptor> variables = context.getBean(EnvironmentEndpoint.class)
					.environment(null)
					.getPropertySources()
					.stream()
					.filter((source) -> source.getName().equals("test-environment"))
					.findFirst()
					.orElseThrow()
					.getProperties();
				assertThat(variables.get("BATON_AI_MODEL").getValue()).isEqualTo("shown-model");
				assertThat(variables.get("BATON_AI_API_KEY").getValue()).isEqualTo("******");
			});
	}

	@Test
	void warnsNamingThePropertyWhenTheKeyGoesOverPlainHttpToARemoteHost(CapturedOutput output) {
		this.runner.withPropertyValues("baton.ai.base-url=http://api.example.com/v1", "baton.ai.api-key=sk-test")
			.run((context) -> assertThat(context).hasSingleBean(AiGatewayClient.class));
		assertThat(output).contains("baton.ai.api-key is sent in clear text").contains("api.example.com")
			.doesNotContain("sk-test");
		this.runner.withPropertyValues("baton.ai.base-url=http://127.0.0.1:8000/v1", "baton.ai.api-key=sk-local")
			.run((context) -> assertThat(context).hasSingleBean(AiGatewayClient.class));
		assertThat(output.toString().split("sent in clear text", -1)).hasSize(2);
	}

	@Test
	void bindsTheRetryPauseCapAndTheFallbackShare() {
		this.runner
			.withPropertyValues("baton.ai.base-url=http://localhost:1/v1", "baton.ai.max-retry-pause=20s",
					"baton.ai.cluster-fallback-share=0.25")
			.run((context) -> {
				AiProperties properties = context.getBean(AiProperties.class);
				assertThat(properties.getMaxRetryPause()).isEqualTo(Duration.ofSeconds(20));
				assertThat(properties.getClusterFallbackShare()).isEqualTo(0.25);
			});
		this.runner.withPropertyValues("baton.ai.base-url=http://localhost:1/v1", "baton.ai.cluster-fallback-share=2")
			.run((context) -> assertThat(context).hasFailed());
	}

	@Test
	void metersWithMicrometerWhenARegistryIsThere() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("baton.ai.base-url=http://localhost:1/v1")
			.run((context) -> {
				assertThat(context.getBeansOfType(AiGatewayMetrics.class).values())
					.hasAtLeastOneElementOfType(MicrometerAiGatewayMetrics.class);
				assertThat(context.getBean(MeterRegistry.class).find("baton.ai.inflight").gauge()).isNotNull();
			});
	}

	@Test
	void backsOffWhenTheUserDefinesTheirOwnClient() {
		this.runner.withUserConfiguration(OwnClient.class)
			.withPropertyValues("baton.ai.base-url=https://api.example.com/v1")
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(AiGatewayClient.class)
				.isSameAs(context.getBean("ownClient")));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClient {

		@Bean
		AiGatewayClient ownClient() {
			return AiGatewayClient.builder().baseUrl("http://localhost:2/v1").build();
		}

	}

}
