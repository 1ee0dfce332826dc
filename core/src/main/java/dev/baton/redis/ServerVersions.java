package dev.baton.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.lang.Nullable;

/** What Redis version the servers run: the probe that decides whether notices can be sharded. */
final class ServerVersions {

	private static final Logger logger = LoggerFactory.getLogger(ServerVersions.class);

	/** How long the probe may wait for each master. */
	private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

	private ServerVersions() {
	}

	/**
	 * The lowest {@code redis_version} of the cluster's masters ({@code INFO server} on each,
	 * blocking up to 5 s per master), or {@code null} when it cannot be read now.
	 */
	@Nullable
	static String oldestMaster(LettuceConnectionFactory factory) {
		try (RedisClusterConnection connection = factory.getClusterConnection()) {
			RedisAdvancedClusterAsyncCommands<?, ?> commands = (RedisAdvancedClusterAsyncCommands<?, ?>) connection
				.getNativeConnection();
			String oldest = null;
			for (CompletableFuture<String> info : commands.masters().commands().info("server").futures()) {
				String version = version(info.get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
				if (version == null) {
					return null;
				}
				if (oldest == null || compare(version, oldest) < 0) {
					oldest = version;
				}
			}
			return oldest;
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.warn("Could not read the Redis Cluster masters' versions ({}): notices use plain pub/sub, as on "
					+ "Redis 6", ex.getMessage());
			return null;
		}
	}

	/** The {@code redis_version} of an {@code INFO server} reply. */
	@Nullable
	static String version(String info) {
		for (String line : info.split("\\r?\\n")) {
			if (line.startsWith("redis_version:")) {
				return line.substring("redis_version:".length()).trim();
			}
		}
		return null;
	}

	static int major(String version) {
		int dot = version.indexOf('.');
		return Integer.parseInt((dot < 0) ? version : version.substring(0, dot));
	}

	static int compare(String a, String b) {
		String[] left = a.split("\\.");
		String[] right = b.split("\\.");
		for (int i = 0; i < Math.max(left.length, right.length); i++) {
			int order = Integer.compare(part(left, i), part(right, i));
			if (order != 0) {
				return order;
			}
		}
		return 0;
	}

	private static int part(String[] parts, int index) {
		try {
			return (index < parts.length) ? Integer.parseInt(parts[index]) : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
