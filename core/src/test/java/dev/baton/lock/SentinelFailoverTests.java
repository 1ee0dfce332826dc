package dev.baton.lock;

import java.time.Duration;

import dev.baton.redis.RedisKeyspace;
import dev.baton.test.RedisTestSentinel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The primary of a Sentinel deployment (one replica, three sentinels) dies while a lock is held. */
class SentinelFailoverTests {

	private final FailoverScenario scenario = new FailoverScenario();

	@AfterEach
	void close() throws Exception {
		this.scenario.close();
	}

	@Test
	void afterThePrimaryIsKilledTheLockIsReacquirableWithAHigherTokenAndNoCallHangs() throws Exception {
		RedisTestSentinel sentinel = this.scenario.closeLater(RedisTestSentinel.start());
		RedisKeyspace keyspace = new RedisKeyspace("sentinel");
		RedisLockRegistry holder = this.scenario.registry(sentinel.newConnectionFactory(), keyspace);
		RedisLockRegistry other = this.scenario.registry(sentinel.newConnectionFactory(), keyspace);
		LockHold held = holder.acquire("sku", Duration.ofSeconds(5), null).block(Duration.ofSeconds(10));

		DistributedLock next = other.obtain("sku");
		FailoverScenario.Reacquisition outcome = FailoverScenario.reacquireAfter(sentinel::killPrimary, held, next);
		LoggerFactory.getLogger(getClass())
			.info("Primary killed: replica promoted after {} ms, lock reacquired elsewhere after {} ms (kept by its holder across the failover: {}), {} failed calls {}, "
					+ "tokens {} -> {}, the old holder's release: {}", outcome.promotedMillis(), outcome.reacquiredMillis(),
					outcome.keptByHolder(), outcome.failures().size(), outcome.failures().stream().distinct().toList(),
					held.fencingToken(), next.fencingToken(), outcome.released());
		assertThat(outcome.failures()).allMatch((message) -> message.contains("'sku'"));
		next.unlock();
	}

}
