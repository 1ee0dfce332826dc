package dev.baton.autoconfigure;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

import dev.baton.BatonException;
import dev.baton.ai.AiGatewayClient;
import dev.baton.ai.AiGatewayClientBuilder;
import dev.baton.ai.AiGatewayMetrics;
import dev.baton.ai.MicrometerAiGatewayMetrics;
import dev.baton.json.JsonCodec;
import dev.baton.redis.RedisKeyspace;
import dev.baton.singleflight.SingleFlight;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.reactor.retry.RetryOperator;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.web.reactive.function.client.WebClient;

import static dev.baton.autoconfigure.BootAutoConfigurationNames.METER_REGISTRY;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.METER_REGISTRY_4;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.OBSERVATION;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.OBSERVATION_4;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.REACTIVE_REDIS;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.REACTIVE_REDIS_4;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.WEB_CLIENT;
import static dev.baton.autoconfigure.BootAutoConfigurationNames.WEB_CLIENT_4;

/**
 * The AI gateway client, when {@code baton.ai.base-url} is set. Its resilience4j instances
 * named {@code baton-ai} come from the application's registries when resilience4j's Spring
 * Boot starter is present: {@code resilience4j.*.instances.baton-ai.*} properties override
 * Baton's values one by one ({@link AiResilienceDefaults}).
 */
@AutoConfiguration(after = { BatonAutoConfiguration.class, SingleFlightAutoConfiguration.class },
		afterName = { REACTIVE_REDIS, REACTIVE_REDIS_4, WEB_CLIENT, WEB_CLIENT_4, METER_REGISTRY, METER_REGISTRY_4,
				OBSERVATION, OBSERVATION_4,
				"io.github.resilience4j.springboot3.bulkhead.autoconfigure.BulkheadAutoConfiguration",
				"io.github.resilience4j.springboot3.ratelimiter.autoconfigure.RateLimiterAutoConfiguration",
				"io.github.resilience4j.springboot3.retry.autoconfigure.RetryAutoConfiguration",
				"io.github.resilience4j.springboot3.timelimiter.autoconfigure.TimeLimiterAutoConfiguration",
				"io.github.resilience4j.springboot.bulkhead.autoconfigure.BulkheadAutoConfiguration",
				"io.github.resilience4j.springboot.ratelimiter.autoconfigure.RateLimiterAutoConfiguration",
				"io.github.resilience4j.springboot.retry.autoconfigure.RetryAutoConfiguration",
				"io.github.resilience4j.springboot.timelimiter.autoconfigure.TimeLimiterAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "baton.enabled", matchIfMissing = true)
@ConditionalOnClass({ WebClient.class, HttpClient.class, Bulkhead.class, RetryOperator.class })
@ConditionalOnProperty(prefix = "baton.ai", name = "base-url")
@EnableConfigurationProperties(AiProperties.class)
@Import({ AiResilienceDefaults.class, AiGatewayAutoConfiguration.MicrometerMetricsConfiguration.class,
		ObservationConfigurations.Ai.class, AiGatewayAutoConfiguration.ActuatorConfiguration.class })
public class AiGatewayAutoConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(AiGatewayAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	AiGatewayClient aiGatewayClient(AiProperties properties, RedisKeyspace keyspace,
			ObjectProvider<WebClient.Builder> webClient, JsonCodec json,
			ObjectProvider<AiGatewayMetrics> metrics, ObjectProvider<ReactiveStringRedisTemplate> redis,
			ObjectProvider<BulkheadRegistry> bulkheads, ObjectProvider<RateLimiterRegistry> rateLimiters,
			ObjectProvider<RetryRegistry> retries, ObjectProvider<TimeLimiterRegistry> timeLimiters,
			ObjectProvider<SingleFlight> singleFlight) {
		requireApiKeyForRemoteHost(properties);
		AiGatewayClientBuilder builder = builderFrom(properties)
			.singleFlight(singleFlight.getIfAvailable())
			.webClientBuilder(webClient.getIfAvailable(WebClient::builder))
			.json(json)
			.metrics(CompositeObservers.ai(metrics.orderedStream().toList()));
		new AiResilienceInstances(properties).apply(builder, bulkheads.getIfAvailable(),
				rateLimiters.getIfAvailable(), retries.getIfAvailable(), timeLimiters.getIfAvailable());
		ReactiveStringRedisTemplate template = redis.getIfAvailable();
		if (properties.isClusterLimits() && template == null) {
			throw new BatonException("baton.ai.cluster-limits=true needs Redis (spring.data.redis.*), "
					+ "but there is no ReactiveStringRedisTemplate");
		}
		if (template != null) {
			builder.redis(template, keyspace, properties.isClusterLimits());
		}
		if (properties.isClusterLimits()) {
			logger.info("AI gateway client: request and token budgets shared by the cluster through Redis");
		}
		return builder.build();
	}

	private static AiGatewayClientBuilder builderFrom(AiProperties properties) {
		return AiGatewayClient.builder()
			.baseUrl(properties.getBaseUrl())
			.apiKey(properties.getApiKey())
			.model(properties.getModel())
			.connectTimeout(properties.getConnectTimeout())
			.responseTimeout(properties.getResponseTimeout())
			.maxConcurrency(properties.getMaxConcurrency())
			.requestsPerPeriod(properties.getRequestsPerMinute())
			.tokensPerPeriod(properties.getTokensPerMinute())
			.rateLimitPeriod(properties.getRateLimitPeriod())
			.acquireTimeout(properties.getAcquireTimeout())
			.maxAttempts(properties.getMaxAttempts())
			.backoff(properties.getInitialBackoff(), properties.getMaxBackoff())
			.totalTimeout(properties.getTotalTimeout())
			.assumedCompletionTokens(properties.getAssumedCompletionTokens())
			.dedupe(properties.isDedupe())
			.redisTimeout(properties.getRedisTimeout())
			.maxRetryPause(properties.getMaxRetryPause())
			.clusterFallbackShare(properties.getClusterFallbackShare());
	}

	/**
	 * A key sent in clear to a remote host by mistake is worse than a failed start; a key sent
	 * over plain http to a remote host is said at start-up.
	 */
	static void requireApiKeyForRemoteHost(AiProperties properties) {
		URI baseUrl = URI.create(properties.getBaseUrl());
		String host = baseUrl.getHost();
		if (properties.getApiKey() != null && !properties.getApiKey().isBlank()) {
			if ("http".equalsIgnoreCase(baseUrl.getScheme()) && !isLoopback(host)) {
				logger.warn("baton.ai.api-key is sent in clear text: baton.ai.base-url is plain http:// to {}, which is "
						+ "not a loopback address. Use https:// unless the network between is trusted.", host);
			}
			return;
		}
		if (!isLoopback(host)) {
			throw new BatonException("baton.ai.api-key must be set: baton.ai.base-url points at " + host
					+ ", which is not a loopback address");
		}
	}

	private static boolean isLoopback(String host) {
		if (host == null) {
			return false;
		}
		if (host.equalsIgnoreCase("localhost")) {
			return true;
		}
		// Only IP literals are resolved: a host name must never cost a DNS lookup at start-up.
		boolean literal = host.startsWith("[") || host.chars().allMatch((c) -> Character.isDigit(c) || c == '.');
		try {
			return literal && InetAddress.getByName(host).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class MicrometerMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean(value = AiGatewayMetrics.class, ignoredType = {
				"dev.baton.autoconfigure.AiObservations", "dev.baton.autoconfigure.AiUpstreamHealth" })
		AiGatewayMetrics batonAiGatewayMetrics(ObjectProvider<MeterRegistry> registry) {
			MeterRegistry meters = registry.getIfAvailable();
			return (meters != null) ? new MicrometerAiGatewayMetrics(meters) : AiGatewayMetrics.NONE;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SanitizingFunction.class)
	static class ActuatorConfiguration {

		/** The upstream's last outcome, for the {@code baton} health: counted with the client's other metrics. */
		@Bean
		@ConditionalOnClass(name = BatonHealthIndicator.HEALTH_API)
		@ConditionalOnMissingBean
		AiUpstreamHealth batonAiUpstreamHealth() {
			return new AiUpstreamHealth();
		}

		/**
		 * Boot masks every value unless {@code show-values} is set; this keeps the key masked
		 * even then, in {@code /actuator/configprops} and {@code /actuator/env}, under every name
		 * that binds to it ({@code baton.ai.api-key}, {@code baton.ai.apiKey},
		 * {@code BATON_AI_API_KEY}...): names are compared after relaxed normalisation.
		 */
		@Bean
		SanitizingFunction batonAiApiKeySanitizer() {
			return (data) -> isApiKey(data.getLowerCaseKey()) ? data.withValue(SanitizableData.SANITIZED_VALUE) : data;
		}

		/** Whether a property name binds to {@code baton.ai.api-key}: the same letters and digits, case and separators aside. */
		static boolean isApiKey(String lowerCaseKey) {
			StringBuilder relaxed = new StringBuilder(lowerCaseKey.length());
			for (int i = 0; i < lowerCaseKey.length(); i++) {
				char c = lowerCaseKey.charAt(i);
				if (Character.isLetterOrDigit(c)) {
					relaxed.append(c);
				}
			}
			return relaxed.toString().endsWith("batonaiapikey");
		}

	}

}
