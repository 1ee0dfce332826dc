package dev.baton.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.StoredFormat;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.lang.Nullable;

/**
 * Who holds a lock, cluster-wide, read from one Redis as every instance sees it: the lock's owner
 * token ({@code <instance id>:<hold id>}, {@code +} appended once someone queued behind it, or
 * {@code +} alone while it is kept for the head of the queue), its lease left, the last fencing
 * token reserved and the wait queue (owners by arrival). Read-only: four reads, no script. The
 * format of the lock's value is shown too; one of a later format ({@code @<n>:...}, see
 * {@link StoredFormat}) is shown held, as this version's scripts treat it, but not parsed.
 */
final class RedisLocks implements ClusterLocks {

	private final RedisConnectionFactory connectionFactory;

	private final RedisKeyspace keyspace;

	RedisLocks(RedisConnectionFactory connectionFactory, RedisKeyspace keyspace) {
		this.connectionFactory = connectionFactory;
		this.keyspace = keyspace;
	}

	@Override
	public Map<String, Object> describe(String key) {
		String lockKey = this.keyspace.key("lock", key);
		try (RedisConnection redis = this.connectionFactory.getConnection()) {
			String value = text(redis.stringCommands().get(bytes(lockKey)));
			Long leaseLeft = redis.keyCommands().pTtl(bytes(lockKey));
			String fence = text(redis.stringCommands().get(bytes(lockKey + ":fence")));
			Set<byte[]> queue = redis.zSetCommands().zRange(bytes(lockKey + ":queue"), 0, -1);
			Map<String, Object> lock = new LinkedHashMap<>();
			lock.put("key", key);
			boolean held = value != null && !value.equals("+");
			lock.put("held", held);
			Object format = (value != null) ? format(value) : StoredFormat.CURRENT;
			lock.put("format", format);
			if (!format.equals(StoredFormat.CURRENT)) {
				lock.put("leaseLeft", leaseLeft + "ms");
			}
			else if (held) {
				lock.put("holder", owner(value));
				lock.put("leaseLeft", leaseLeft + "ms");
			}
			else if (value != null) {
				lock.put("keptForHeadOfQueue", true);
			}
			List<Map<String, String>> waiters = new ArrayList<>();
			if (queue != null) {
				queue.forEach((member) -> waiters.add(owner(text(member))));
			}
			lock.put("queueLength", waiters.size());
			lock.put("waiters", waiters);
			if (fence != null) {
				lock.put("lastFencingToken", Long.parseLong(fence));
			}
			return lock;
		}
	}

	/** A lock value's format: a number, or {@code "?"} for a marker that cannot be read. */
	private static Object format(String value) {
		if (!value.startsWith("@")) {
			return StoredFormat.CURRENT;
		}
		int colon = value.indexOf(':');
		try {
			return Integer.parseInt(value.substring(1, Math.max(colon, 1)));
		}
		catch (NumberFormatException ex) {
			return "?";
		}
	}

	/** An owner token as instance and hold: the instance id is everything before the last ':'. */
	static Map<String, String> owner(String token) {
		String plain = token.endsWith("+") ? token.substring(0, token.length() - 1) : token;
		int colon = plain.lastIndexOf(':');
		Map<String, String> owner = new LinkedHashMap<>();
		owner.put("instance", (colon > 0) ? plain.substring(0, colon) : plain);
		owner.put("hold", (colon > 0) ? plain.substring(colon + 1) : "");
		return owner;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Nullable
	private static String text(@Nullable byte[] bytes) {
		return (bytes != null) ? new String(bytes, StandardCharsets.UTF_8) : null;
	}

}
