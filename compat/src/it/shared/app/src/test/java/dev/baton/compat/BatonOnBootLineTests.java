package dev.baton.compat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.baton.ai.AiGatewayClient;
import dev.baton.ai.ChatCompletion;
import dev.baton.ai.ChatRequest;
import dev.baton.ai.FakeOpenAiServer;
import dev.baton.json.Jackson2JsonCodec;
import dev.baton.json.Jackson3JsonCodec;
import dev.baton.json.JsonCodec;
import dev.baton.lock.LockContext;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every feature of Baton's full starter in a user's application, on the Boot version the build
 * names in {@code compat.boot-version} (the same test runs on Boot 3.5 and Boot 4): a real Redis,
 * the fake OpenAI-compatible endpoint, and the actuator over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BatonOnBootLineTests {

	static final String BOOT_VERSION = System.getProperty("compat.boot-version");

	static final FakeOpenAiServer ai = FakeOpenAiServer.start();

	final ExecutorService threads = Executors.newCachedThreadPool();

	@Value("${local.server.port}")
	int port;

	@Autowired
	Stock stock;

	@Autowired
	Workbench workbench;

	@Autowired
	Quotes quotes;

	@Autowired
	JsonCodec json;

	@Autowired
	StringRedisTemplate redis;

	@Autowired
	AiGatewayClient aiClient;

	@DynamicPropertySource
	static void services(DynamicPropertyRegistry properties) {
		for (String property : RedisTestServers.shared().springProperties()) {
			int equals = property.indexOf('=');
			properties.add(property.substring(0, equals), () -> property.substring(equals + 1));
		}
		properties.add("baton.ai.base-url", ai::baseUrl);
		properties.add("baton.ai.model", () -> "fake-gpt");
	}

	@AfterEach
	void stopThreads() {
		this.threads.shutdownNow();
	}

	@AfterAll
	static void stopAi() {
		ai.close();
	}

	@Test
	void runsOnTheBootVersionTheBuildAskedFor() {
		assertThat(BOOT_VERSION).as("system property compat.boot-version").isNotBlank();
		assertThat(SpringBootVersion.getVersion()).isEqualTo(BOOT_VERSION);
	}

	@Test
	void distributedLockRunsTheMethodWithAFencingTokenThatGrows() {
		String sku = unique("sku");
		OptionalLong first = this.stock.reserve(sku);
		OptionalLong second = this.stock.reserve(sku);

		assertThat(first).isPresent();
		assertThat(second).isPresent();
		assertThat(second.getAsLong()).isGreaterThan(first.getAsLong());
		assertThat(LockContext.fencingToken()).as("outside the lock").isEmpty();
	}

	@Test
	void keyedMutexKeepsASecondCallerOfTheSameKeyOutUntilTheFirstLeaves() throws Exception {
		String key = unique("user");
		this.workbench.reset();
		CountDownLatch firstIn = new CountDownLatch(1);
		CountDownLatch firstMayLeave = new CountDownLatch(1);
		CountDownLatch secondIn = new CountDownLatch(1);
		Future<?> first = this.threads.submit(() -> work(key, firstIn, firstMayLeave));
		assertThat(firstIn.await(10, TimeUnit.SECONDS)).isTrue();
		AtomicReference<Thread> secondThread = new AtomicReference<>();
		Future<?> second = this.threads.submit(() -> {
			secondThread.set(Thread.currentThread());
			return work(key, secondIn, new CountDownLatch(0));
		});

		await().atMost(Duration.ofSeconds(10)).until(() -> isParked(secondThread.get()));
		assertThat(secondIn.getCount()).as("second caller got in while the first held the key").isEqualTo(1);
		firstMayLeave.countDown();

		assertThat(secondIn.await(10, TimeUnit.SECONDS)).isTrue();
		first.get(10, TimeUnit.SECONDS);
		second.get(10, TimeUnit.SECONDS);
		assertThat(this.workbench.mostInside()).isEqualTo(1);
	}

	@Test
	void keyedMutexLetsCallersOfDifferentKeysInTogether() throws Exception {
		this.workbench.reset();
		CountDownLatch bothIn = new CountDownLatch(2);
		CountDownLatch leave = new CountDownLatch(1);
		Future<?> one = this.threads.submit(() -> work(unique("user"), bothIn, leave));
		Future<?> other = this.threads.submit(() -> work(unique("user"), bothIn, leave));

		assertThat(bothIn.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.workbench.mostInside()).isEqualTo(2);
		leave.countDown();
		one.get(10, TimeUnit.SECONDS);
		other.get(10, TimeUnit.SECONDS);
	}

	@Test
	void singleFlightLoadsOnceForEightConcurrentCallers() throws Exception {
		String sku = unique("lamp");
		int loadsBefore = this.quotes.loads();
		CountDownLatch loading = this.quotes.closeGate();
		CountDownLatch start = new CountDownLatch(1);
		AtomicInteger calling = new AtomicInteger();
		Queue<Thread> callers = new ConcurrentLinkedQueue<>();
		List<Future<Quote>> answers = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			answers.add(this.threads.submit(() -> {
				callers.add(Thread.currentThread());
				start.await();
				calling.incrementAndGet();
				return this.quotes.quote(sku);
			}));
		}
		start.countDown();

		assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> calling.get() == 8 && callers.stream().allMatch(BatonOnBootLineTests::isParked));
		this.quotes.openGate();

		List<Quote> values = new ArrayList<>();
		for (Future<Quote> answer : answers) {
			values.add(answer.get(10, TimeUnit.SECONDS));
		}
		assertThat(this.quotes.loads() - loadsBefore).isEqualTo(1);
		assertThat(values).hasSize(8).allSatisfy((value) -> assertThat(value).isEqualTo(values.get(0)));
	}

	@Test
	void singleFlightValueRoundTripsThroughTheApplicationsJacksonMapper() throws Exception {
		String sku = unique("desk");
		Quote loaded = this.quotes.quote(sku);
		int loads = this.quotes.loads();

		Quote stored = this.quotes.quote(sku);

		assertThat(this.quotes.loads()).as("loads after the second call").isEqualTo(loads);
		assertThat(stored).isEqualTo(loaded).isNotSameAs(loaded);
		assertThat(stored.price()).hasToString("19.90");
		assertThat(stored.loadedBy()).isEqualTo("Spring Boot " + BOOT_VERSION);
		String raw = (String) this.redis.opsForHash().get("compat:singleflight:quote:{quote:" + sku + "}", "value");
		assertThat(raw).contains("\"pricedAt\":\"" + loaded.pricedAt() + "\"")
			.contains("\"price\":19.90")
			.contains("\"seller\":{\"name\":\"Baton & Sons\",\"rating\":5}")
			.as("a null left out by the application's spring.jackson.default-property-inclusion")
			.doesNotContain("\"note\"");
		assertThat(this.json.type(Quote.class).read(raw)).isEqualTo(loaded);
	}

	@Test
	void jsonCodecIsTheJacksonOfThisBootLine() {
		if (BOOT_VERSION.startsWith("3.")) {
			assertThat(this.json).isInstanceOf(Jackson2JsonCodec.class);
		}
		else {
			assertThat(this.json).isInstanceOf(Jackson3JsonCodec.class);
			assertThat(ClassUtils.isPresent("com.fasterxml.jackson.databind.ObjectMapper", null))
				.as("Jackson 2's ObjectMapper on the class path of a Boot 4 application")
				.isFalse();
		}
	}

	@Test
	void aiClientAnswersThroughTheOpenAiCompatibleEndpoint() {
		ChatCompletion completion = this.aiClient.chatBlocking(ChatRequest.of("ping from " + BOOT_VERSION));

		assertThat(completion.content()).isEqualTo("echo: ping from " + BOOT_VERSION);
		assertThat(completion.model()).isEqualTo("fake-gpt");
		assertThat(completion.usage().totalTokens()).isPositive();
	}

	@Test
	void actuatorListsBatonMetersAndReportsHealthUp() throws Exception {
		this.stock.reserve(unique("sku"));
		this.quotes.quote(unique("chair"));
		this.workbench.work(unique("user"), new CountDownLatch(1), new CountDownLatch(0));
		this.aiClient.chatBlocking(ChatRequest.of("meters"));

		HttpResponse<String> metrics = get("/actuator/metrics");
		HttpResponse<String> health = get("/actuator/health");

		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(metrics.body()).contains("\"baton.lock.acquire\"", "\"baton.mutex.wait\"",
				"\"baton.singleflight.calls\"", "\"baton.ai.requests\"");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"UP\"");
	}

	private Void work(String key, CountDownLatch entered, CountDownLatch leave) throws InterruptedException {
		this.workbench.work(key, entered, leave);
		return null;
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(10))
			.build();
		return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
	}

	/** Waiting on a lock, latch or future (not running, not blocked on a monitor). */
	private static boolean isParked(Thread thread) {
		return thread != null && EnumSet.of(Thread.State.WAITING, Thread.State.TIMED_WAITING).contains(thread.getState());
	}

	private static String unique(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

}
