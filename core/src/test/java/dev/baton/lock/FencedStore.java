package dev.baton.lock;

import java.util.List;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/** The store side of fencing, as a user would write it: refuse a write carrying an older token. */
final class FencedStore {

	private static final RedisScript<Long> WRITE = RedisScript.of("""
			local last = tonumber(redis.call('HGET', KEYS[1], 'token') or '0')
			if tonumber(ARGV[1]) <= last then return 0 end
			redis.call('HSET', KEYS[1], 'token', ARGV[1], 'value', ARGV[2])
			return 1
			""", Long.class);

	private FencedStore() {
	}

	static boolean write(StringRedisTemplate redis, String key, long token, String value) {
		return redis.execute(WRITE, List.of(key), Long.toString(token), value) == 1L;
	}

}
