package dev.baton.singleflight;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.redis.StoredFormatException;
import dev.baton.test.RedisTestServers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A flight kept in a later format than this version reads (planted with raw commands, as a later
 * version would write it: a status or a lease owner beginning with {@code @2:}) is never used as
 * a value, waited for nor overwritten; the call fails naming both formats, or runs locally when
 * its store-failure policy says so.
 */
class SingleFlightFormatTests {

	private static final FlightOptions<String> TEXT = FlightOptions.of(String.class);

	private static final String MESSAGE = "Flight default 'k' is kept in format 2; this instance reads format 1: upgrade";

	private final FlightInstances instances = new FlightInstances(RedisTestServers.shared());

	private final ExecutorService pool = Executors.newCachedThreadPool();

	private StringRedisTemplate redis;

	@BeforeEach
	void setUp() {
		this.redis = this.instances.redis();
	}

	@AfterEach
	void tearDown() throws Exception {
		this.pool.shutdownNow();
		this.instances.close();
	}

	@Test
	void anOutcomeStoredInALaterFormatIsNotUsedAndTheCallFailsNamingBothFormats() {
		plantLaterOutcome();
		SingleFlight flight = this.instances.start((b) -> b);
		AtomicInteger runs = new AtomicInteger();
		assertThatExceptionOfType(SingleFlightException.class)
			.isThrownBy(() -> flight.execute("k", TEXT, () -> "computed " + runs.incrementAndGet()))
			.withMessageStartingWith(MESSAGE)
			.satisfies((ex) -> {
				assertThat(ex.isStoreFailure()).isTrue();
				assertThat(ex.getCause()).isInstanceOf(StoredFormatException.class);
				assertThat(((StoredFormatException) ex.getCause()).getFoundFormat()).isEqualTo("2");
			});
		assertThat(runs).hasValue(0);
		assertLaterOutcomeLeftAsItWas();
		assertThat(this.redis.hasKey(leaseKey())).isFalse();
	}

	@Test
	void withRunLocallyTheLoaderRunsHereAndTheLaterOutcomeIsLeftAlone() {
		plantLaterOutcome();
		SingleFlight flight = this.instances.start((b) -> b.onStoreFailure(OnStoreFailure.RUN_LOCALLY));
		assertThat(flight.execute("k", TEXT, () -> "computed here")).isEqualTo("computed here");
		assertLaterOutcomeLeftAsItWas();
		assertThat(this.redis.hasKey(leaseKey())).isFalse();
	}

	@Test
	void aLeaderOfALaterFormatIsNotWaitedFor() {
		this.redis.opsForValue().set(leaseKey(), "@2:0d5c1ab4-7d16-4b8e-9d0e-2f6a1f0e9c31:3", Duration.ofSeconds(30));
		SingleFlight flight = this.instances.start((b) -> b.waitTimeout(Duration.ofSeconds(5)));
		long start = System.nanoTime();
		assertThatExceptionOfType(SingleFlightException.class)
			.isThrownBy(() -> flight.execute("k", TEXT, () -> "computed"))
			.withMessageStartingWith(MESSAGE);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
		assertThat(this.redis.opsForValue().get(leaseKey())).startsWith("@2:");
	}

	@Test
	void aLeaderWhoseLeaseLapsedDoesNotReplaceAnOutcomeStoredMeanwhileInALaterFormat() throws Exception {
		SingleFlight flight = this.instances.start((b) -> b);
		CountDownLatch computing = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		Future<String> led = this.pool.submit(() -> flight.execute("k", TEXT, () -> {
			computing.countDown();
			finish.await();
			return "computed";
		}));
		assertThat(computing.await(10, TimeUnit.SECONDS)).isTrue();
		// Its lease lapsed, and an instance of a later format led and stored its outcome meanwhile.
		this.redis.delete(leaseKey());
		plantLaterOutcome();
		finish.countDown();
		assertThat(led.get(10, TimeUnit.SECONDS)).isEqualTo("computed");
		assertLaterOutcomeLeftAsItWas();
	}

	@Test
	void aNoticeCarryingALaterFormatsOutcomeIsReadAsTheKeyAlone() {
		String notice = "[\"k\",\"owner\",\"@2:value\",\"1\",\"60000\",\"\",\"\\\"later\\\"\"]";
		assertThat(RedisFlightStore.done(notice)).isEqualTo(new FlightStore.Done("k", null));
	}

	private void plantLaterOutcome() {
		this.redis.opsForHash()
			.putAll(storeKey(), Map.of("owner", "0d5c1ab4-7d16-4b8e-9d0e-2f6a1f0e9c31:3", "status", "@2:value", "shared",
					"1", "value", "\"later\"", "type", "", "message", ""));
		this.redis.expire(storeKey(), Duration.ofSeconds(60));
	}

	private void assertLaterOutcomeLeftAsItWas() {
		assertThat(this.redis.<String, String>opsForHash().entries(storeKey())).containsEntry("status", "@2:value")
			.containsEntry("value", "\"later\"");
		assertThat(this.redis.getExpire(storeKey(), TimeUnit.MILLISECONDS)).isPositive();
	}

	private String storeKey() {
		return this.instances.storeKey("k");
	}

	private String leaseKey() {
		return storeKey() + ":lease";
	}

}
