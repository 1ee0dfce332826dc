package dev.baton.lock;

import dev.baton.redis.RedisKeyspace;
import dev.baton.test.RedisTestSentinel;
import org.junit.jupiter.api.AfterAll;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The registry contract through Redis Sentinel: a primary, one replica and three sentinels;
 * every instance finds the primary through the sentinels with a connection factory of its own.
 */
class SentinelLockRegistryContractTests extends LockRegistryContractTests {

	private static RedisTestSentinel sentinel;

	private final String prefix = "se" + System.nanoTime();

	@AfterAll
	static void stopSentinel() {
		if (sentinel != null) {
			sentinel.close();
			sentinel = null;
		}
	}

	private static synchronized RedisTestSentinel sentinel() {
		if (sentinel == null) {
			sentinel = RedisTestSentinel.start();
		}
		return sentinel;
	}

	@Override
	AbstractLockRegistry newInstance(LockOptions options) {
		LettuceConnectionFactory factory = sentinel().newConnectionFactory();
		closeLater(factory::destroy);
		return closeLater(new RedisLockRegistry(factory, new RedisKeyspace(this.prefix), null, options));
	}

}
