package dev.baton.benchmarks;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The usual hand-written cross-instance single-flight, as a peer: read the value; else take a
 * {@code SET NX PX} lock and compute; else sleep 100 ms and look again. No in-JVM coalescing,
 * no notification.
 */
final class PollingSingleFlight {

	static final Duration POLL_INTERVAL = Duration.ofMillis(100);

	private final StringRedisTemplate redis;

	private final String prefix;

	PollingSingleFlight(StringRedisTemplate redis, String prefix) {
		this.redis = redis;
		this.prefix = prefix;
	}

	String get(String key, Callable<String> loader) throws Exception {
		String valueKey = this.prefix + ":" + key;
		String lockKey = valueKey + ":lock";
		String token = UUID.randomUUID().toString();
		while (true) {
			String value = this.redis.opsForValue().get(valueKey);
			if (value != null) {
				return value;
			}
			if (Boolean.TRUE.equals(this.redis.opsForValue().setIfAbsent(lockKey, token, Duration.ofSeconds(10)))) {
				try {
					// Someone may have stored it between our read and our lock.
					value = this.redis.opsForValue().get(valueKey);
					if (value != null) {
						return value;
					}
					value = loader.call();
					this.redis.opsForValue().set(valueKey, value, Duration.ofMinutes(1));
					return value;
				}
				finally {
					this.redis.delete(lockKey);
				}
			}
			Thread.sleep(POLL_INTERVAL.toMillis());
		}
	}

}
