package dev.baton.autoconfigure;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.baton.redis.RedisKeyspace;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Who holds a lock on the Redlock masters: each master as {@link RedisLocks} reads it (holder,
 * lease left, queue, last fencing token), or why it did not answer, and whether one owner holds
 * it on a quorum (N/2+1) of them, which is what makes a Redlock hold. Read-only; the masters are
 * read one after the other, each bounded by their command timeout.
 */
final class RedlockLocks implements ClusterLocks {

	private final Map<String, RedisLocks> masters = new LinkedHashMap<>();

	RedlockLocks(RedlockMasters masters, RedisKeyspace keyspace) {
		for (LettuceConnectionFactory master : masters.factories()) {
			this.masters.put(master.getHostName() + ":" + master.getPort(), new RedisLocks(master, keyspace));
		}
	}

	@Override
	public Map<String, Object> describe(String key) {
		List<Map<String, Object>> each = new ArrayList<>(this.masters.size());
		this.masters.forEach((address, master) -> each.add(read(address, master, key)));
		int quorum = this.masters.size() / 2 + 1;
		Map.Entry<Object, Integer> most = mostMasters(each);
		boolean held = most != null && most.getValue() >= quorum;
		Map<String, Object> lock = new LinkedHashMap<>();
		lock.put("key", key);
		lock.put("held", held);
		if (held) {
			lock.put("holder", most.getKey());
		}
		lock.put("quorum", quorum);
		lock.put("mastersHolding", (most != null) ? most.getValue() : 0);
		lock.put("masters", each);
		return lock;
	}

	private static Map<String, Object> read(String address, RedisLocks master, String key) {
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("master", address);
		try {
			Map<String, Object> lock = master.describe(key);
			lock.remove("key");
			view.putAll(lock);
		}
		catch (RuntimeException ex) {
			Throwable cause = NestedExceptionUtils.getMostSpecificCause(ex);
			view.put("error", (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName());
		}
		return view;
	}

	/** The holder found on the most masters and on how many, or {@code null} when no master has one. */
	private static Map.Entry<Object, Integer> mostMasters(List<Map<String, Object>> masters) {
		Map<Object, Integer> counts = new HashMap<>();
		for (Map<String, Object> master : masters) {
			Object holder = master.get("holder");
			if (holder != null) {
				counts.merge(holder, 1, Integer::sum);
			}
		}
		return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(null);
	}

}
