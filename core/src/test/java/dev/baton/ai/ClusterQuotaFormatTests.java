package dev.baton.ai;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.StoredFormatException;
import dev.baton.test.RedisTestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Cluster-wide AI budgets kept in a later format than this version reads (planted with raw
 * commands, as a later version would write them: {@code @2:...}) are not spent from as if
 * empty, nor overwritten, nor replaced by the local fallback: the call fails naming both formats
 * and nothing goes upstream.
 */
class ClusterQuotaFormatTests {

	private static final String LATER = "@2:1796542209948.000";

	private final RedisKeyspace keyspace = new RedisKeyspace("fmt-" + UUID.randomUUID());

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private LettuceConnectionFactory factory;

	private StringRedisTemplate redis;

	@BeforeEach
	void connect() {
		this.factory = RedisTestServers.shared().newConnectionFactory();
		this.redis = new StringRedisTemplate(this.factory);
	}

	@AfterEach
	void disconnect() {
		this.factory.destroy();
	}

	@ParameterizedTest(name = "{0} budget")
	@ValueSource(strings = { "requests", "tokens" })
	void aBudgetOfALaterFormatIsNotSpentFromAndTheCallFailsNamingBothFormats(String budget) {
		String key = this.keyspace.key("ai", "limits", budget);
		this.redis.opsForValue().set(key, LATER, Duration.ofMinutes(1));
		try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
			AiGatewayClient client = client(server);
			assertThatExceptionOfType(StoredFormatException.class)
				.isThrownBy(() -> client.chatBlocking(ChatRequest.of("hello")))
				.withMessageStartingWith(
						"The cluster-wide AI budget is kept in format 2; this instance reads format 1: upgrade")
				.satisfies((ex) -> assertThat(ex.getFoundFormat()).isEqualTo("2"));
			assertThat(server.received()).isZero();
		}
		assertThat(this.redis.opsForValue().get(key)).isEqualTo(LATER);
		assertThat(this.redis.getExpire(key, TimeUnit.MILLISECONDS)).isBetween(1L, 60_000L);
		assertThat(this.meters.get("baton.ai.cluster.fallbacks").counter().count()).as("no local fallback").isZero();
	}

	@Test
	void budgetsOfTodaysFormatStillAdmitAndAreWrittenAsPlainNumbers() {
		try (FakeOpenAiServer server = FakeOpenAiServer.start()) {
			// One request a minute: the next slot is stored for a minute.
			assertThat(client(server, 1).chatBlocking(ChatRequest.of("hello")).content()).isEqualTo("echo: hello");
		}
		assertThat(this.redis.opsForValue().get(this.keyspace.key("ai", "limits", "requests"))).matches("\\d+\\.\\d{3}");
	}

	private AiGatewayClient client(FakeOpenAiServer server) {
		return client(server, 600);
	}

	private AiGatewayClient client(FakeOpenAiServer server, long requestsPerMinute) {
		return AiGatewayClient.builder()
			.baseUrl(server.baseUrl())
			.model("test-model")
			.requestsPerPeriod(requestsPerMinute)
			.tokensPerPeriod(1_000_000)
			.rateLimitPeriod(Duration.ofMinutes(1))
			.acquireTimeout(Duration.ofSeconds(5))
			.redis(new ReactiveStringRedisTemplate(this.factory), this.keyspace, true)
			.redisTimeout(Duration.ofSeconds(2))
			.metrics(new MicrometerAiGatewayMetrics(this.meters))
			.build();
	}

}
