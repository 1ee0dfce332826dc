package dev.baton.ai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import dev.baton.redis.RedisKeyspace;
import dev.baton.test.RedisTestCluster;
import dev.baton.test.RedisTestServer;
import dev.baton.test.RedisTestServers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ClusterLimitsTests {

	private static final String MODEL = "test-model";

	private final List<LettuceConnectionFactory> factories = new ArrayList<>();

	private final RedisKeyspace keyspace = new RedisKeyspace("test-" + UUID.randomUUID());

	@AfterEach
	void closeConnections() {
		this.factories.forEach(LettuceConnectionFactory::destroy);
	}

	private AiGatewayClient instance(FakeOpenAiServer server, RedisTestServer redis, long budget, Duration period,
			AiGatewayMetrics metrics) {
		return instance(server, redis::newConnectionFactory, budget, period, metrics);
	}

	private AiGatewayClient instance(FakeOpenAiServer server, Supplier<LettuceConnectionFactory> redis, long budget,
			Duration period, AiGatewayMetrics metrics) {
		LettuceConnectionFactory factory = redis.get();
		this.factories.add(factory);
		return AiGatewayClient.builder()
			.baseUrl(server.baseUrl())
			.model(MODEL)
			.requestsPerPeriod(budget)
			.rateLimitPeriod(period)
			.acquireTimeout(Duration.ofSeconds(30))
			.redis(new ReactiveStringRedisTemplate(factory), this.keyspace, true)
			.redisTimeout(Duration.ofMillis(500))
			.metrics(metrics)
			.build();
	}

	/** Each instance's connection factory on one Redis, or on the three-master test cluster. */
	private static Supplier<LettuceConnectionFactory> redis(String deployment) {
		return "cluster".equals(deployment) ? RedisTestCluster.shared()::newConnectionFactory
				: RedisTestServers.shared()::newConnectionFactory;
	}

	@ParameterizedTest(name = "on {0}")
	@ValueSource(strings = { "one server", "cluster" })
	void threeInstancesShareOneRequestBudget(String deployment) {
		Supplier<LettuceConnectionFactory> redis = redis(deployment);
		int budget = 10;
		try (FakeOpenAiServer server = FakeOpenAiServer.start(0, Duration.ofSeconds(1),
				FakeOpenAiServer.RetryHint.RETRY_AFTER_SECONDS, 0, 1, Duration.ZERO)) {
			List<AiGatewayClient> instances = IntStream.range(0, 3)
				.mapToObj((i) -> instance(server, redis, budget, Duration.ofSeconds(1), AiGatewayMetrics.NONE))
				.toList();

			List<BatchResult> results = Flux.fromIterable(instances)
				.flatMap((client) -> client.chatAll(
						IntStream.range(0, 12).mapToObj((i) -> ChatRequest.of("r" + i)).toList(), 12))
				.collectList()
				.block(Duration.ofSeconds(30));

			assertThat(results).hasSize(36).allMatch(BatchResult::isSuccess);
			Map<Long, Integer> windows = server.arrivalsPerWindow();
			// The budget spaces admissions a tenth of a second apart; a call admitted just before
			// one of the server's windows (counted from its start, not the budget's) may arrive
			// in it, so a window may see one more. Three instances each spending a budget of their
			// own would put 30 in one.
			assertThat(windows.values()).as("requests per one-second window at the server, all instances together")
				.allMatch((count) -> count <= budget + 1);
			assertThat(windows).as("the budget, not the instances, set the pace").hasSizeGreaterThanOrEqualTo(4);
			TokenUsage sum = instances.stream()
				.map((client) -> client.usage().totals().get(MODEL))
				.reduce(TokenUsage.ZERO, TokenUsage::plus);
			assertThat(instances.get(0).usage().clusterTotals().block(Duration.ofSeconds(5)))
				.as("cluster totals by HINCRBY")
				.containsEntry(MODEL, sum);
		}
	}

	@ParameterizedTest(name = "on {0}")
	@ValueSource(strings = { "one server", "cluster" })
	void aRateLimitedResponseHoldsBackEveryInstance(String deployment) {
		Supplier<LettuceConnectionFactory> redis = redis(deployment);
		try (FakeOpenAiServer server = FakeOpenAiServer.start(1, Duration.ofSeconds(2),
				FakeOpenAiServer.RetryHint.RESET_REQUESTS_MILLIS, 0, 1, Duration.ZERO)) {
			AiGatewayClient first = instance(server, redis, 6000, Duration.ofMinutes(1), AiGatewayMetrics.NONE);
			AiGatewayClient second = instance(server, redis, 6000, Duration.ofMinutes(1), AiGatewayMetrics.NONE);
			// The first window opens with the first call: building the instances (a cluster
			// connection on a busy machine) may take longer than a window.
			server.startWindowsAtNextRequest();
			first.chatBlocking(ChatRequest.of("a"));
			Mono<ChatCompletion> limited = first.chat(ChatRequest.of("b")).cache();
			limited.subscribe();
			await().atMost(5, TimeUnit.SECONDS).until(() -> server.rateLimited() == 1);

			ChatCompletion other = second.chatBlocking(ChatRequest.of("c"));

			assertThat(other.content()).isEqualTo("echo: c");
			assertThat(limited.block(Duration.ofSeconds(10)).content()).isEqualTo("echo: b");
			assertThat(server.arrivalsPerWindow().get(0L))
				.as("the other instance did not call in the window that said 429").isEqualTo(2);
		}
	}

	@Test
	void withRedisDownEachInstanceSpendsOnlyItsShareOfTheClusterBudget() {
		try (RedisTestServer redis = RedisTestServers.start(); FakeOpenAiServer server = FakeOpenAiServer.start()) {
			LettuceConnectionFactory factory = redis.newConnectionFactory();
			this.factories.add(factory);
			// A budget of 20 a second for the cluster; this instance's share without Redis is a tenth.
			AiGatewayClient client = AiGatewayClient.builder()
				.baseUrl(server.baseUrl())
				.model(MODEL)
				.requestsPerPeriod(20)
				.rateLimitPeriod(Duration.ofSeconds(1))
				.acquireTimeout(Duration.ofSeconds(30))
				.redis(new ReactiveStringRedisTemplate(factory), this.keyspace, true)
				.redisTimeout(Duration.ofMillis(300))
				.clusterFallbackShare(0.1)
				.build();
			client.chatBlocking(ChatRequest.of("with redis"));
			redis.stop();
			long windowsBefore = server.arrivalsPerWindow().lastKey();
			List<BatchResult> results = client
				.chatAll(IntStream.range(0, 6).mapToObj((i) -> ChatRequest.of("r" + i)).toList(), 6)
				.collectList()
				.block(Duration.ofSeconds(30));
			assertThat(results).hasSize(6).allMatch(BatchResult::isSuccess);
			assertThat(server.arrivalsPerWindow().tailMap(windowsBefore + 1).values())
				.as("2 a second (one more where a window's edge splits the spacing): the share, not the budget of 20")
				.allMatch((count) -> count <= 3);
			assertThat(server.arrivalsPerWindow().lastKey() - windowsBefore).isGreaterThanOrEqualTo(2);
		}
	}

	@Test
	void readsTheSharedBudgetsWithoutSpendingAndThisInstancesShareWhileRedisIsDown() {
		try (RedisTestServer redis = RedisTestServers.start(); FakeOpenAiServer server = FakeOpenAiServer.start()) {
			AiGatewayClient client = instance(server, redis, 600, Duration.ofMinutes(1), AiGatewayMetrics.NONE);
			client.chatBlocking(ChatRequest.of("with redis"));
			AiBudgets shared = client.budgets().block(Duration.ofSeconds(5));
			assertThat(shared.scope()).isEqualTo(AiBudgets.Scope.CLUSTER);
			assertThat(shared.requests().limit()).isEqualTo(600);
			assertThat(shared.requests().window()).isEqualTo(Duration.ofMinutes(1));
			assertThat(shared.tokens()).as("no token budget").isNull();
			assertThat(shared.pausedUntil()).isNull();
			for (int i = 0; i < 20; i++) {
				client.budgets().block(Duration.ofSeconds(5));
			}
			assertThat(client.budgets().block(Duration.ofSeconds(5)).requests().left())
				.as("twenty looks took no request slot").isGreaterThanOrEqualTo(shared.requests().left());

			redis.stop();
			AiBudgets alone = client.budgets().block(Duration.ofSeconds(5));

			assertThat(alone.scope()).isEqualTo(AiBudgets.Scope.LOCAL_FALLBACK);
			assertThat(alone.requests().limit()).as("half the budget, the default share").isEqualTo(300);
		}
	}

	@Test
	void fallsBackToLocalLimitsWhenRedisIsDownAndSaysSo() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		try (RedisTestServer redis = RedisTestServers.start(); FakeOpenAiServer server = FakeOpenAiServer.start()) {
			AiGatewayClient client = instance(server, redis, 600, Duration.ofMinutes(1),
					new MicrometerAiGatewayMetrics(meters));
			ChatCompletion before = client.chatBlocking(ChatRequest.of("with redis"));
			assertThat(meters.get("baton.ai.cluster.fallbacks").counter().count()).isZero();

			redis.stop();
			ChatCompletion completion = client.chatBlocking(ChatRequest.of("without redis"));

			assertThat(completion.content()).isEqualTo("echo: without redis");
			assertThat(meters.get("baton.ai.cluster.fallbacks").counter().count()).isGreaterThanOrEqualTo(1);
			assertThat(client.usage().totals().get(MODEL)).as("local totals still exact")
				.isEqualTo(before.usage().plus(completion.usage()));
		}
	}

}
