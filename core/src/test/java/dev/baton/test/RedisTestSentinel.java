package dev.baton.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.MapOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.awaitility.Awaitility.await;

/**
 * A real Sentinel deployment for tests: a primary, one replica ({@code --replicaof}) and three
 * {@code redis-server --sentinel} processes monitoring the primary under {@value #MASTER_NAME}
 * with a quorum of two, all on free loopback ports, with the binary {@link RedisTestCluster}
 * uses. No persistence; files in a temporary directory removed on close; every wait bounded.
 */
public final class RedisTestSentinel implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RedisTestSentinel.class);

	/** The name the sentinels monitor the primary under. */
	public static final String MASTER_NAME = "baton";

	private final Path directory;

	/** The current primary: after {@link #killPrimary()}, the promoted replica. */
	private RedisProcess primary;

	private final RedisProcess replica;

	private final List<RedisProcess> sentinels;

	private RedisTestSentinel(Path directory, RedisProcess primary, RedisProcess replica, List<RedisProcess> sentinels) {
		this.directory = directory;
		this.primary = primary;
		this.replica = replica;
		this.sentinels = sentinels;
	}

	/**
	 * A new deployment that the caller owns and closes.
	 * @throws TestAbortedException if no {@code redis-server} binary can start here
	 */
	public static RedisTestSentinel start() {
		File binary = RedisTestCluster.binary();
		Path directory;
		try {
			directory = Files.createTempDirectory("baton-sentinel");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<RedisProcess> started = new ArrayList<>();
		try {
			RedisProcess primary = new RedisProcess(binary, RedisTestServers.freePort(), directory);
			started.add(primary);
			RedisProcess replica = new RedisProcess(binary, RedisTestServers.freePort(), directory, "--replicaof",
					"127.0.0.1", Integer.toString(primary.port()));
			started.add(replica);
			String config = "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + primary.port() + " 2\n"
					+ "sentinel down-after-milliseconds " + MASTER_NAME + " 1000\n"
					+ "sentinel failover-timeout " + MASTER_NAME + " 5000\n";
			List<RedisProcess> sentinels = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				RedisProcess sentinel = new RedisProcess(binary, RedisTestServers.freePort(), directory, config,
						List.of("--sentinel"));
				started.add(sentinel);
				sentinels.add(sentinel);
			}
			RedisTestSentinel deployment = new RedisTestSentinel(directory, primary, replica, sentinels);
			await().atMost(RedisProcess.READY).pollInterval(Duration.ofMillis(100)).until(deployment::isReady);
			logger.info("Test Redis Sentinel ({}): primary {}, replica {}, sentinels {}", binary, primary.port(),
					replica.port(), deployment.sentinelPorts());
			return deployment;
		}
		catch (RuntimeException | Error ex) {
			started.forEach(RedisProcess::stop);
			RedisTestCluster.delete(directory);
			throw ex;
		}
	}

	/** The replica is in sync and every sentinel knows the replica and the two other sentinels. */
	private boolean isReady() {
		if (!this.replica.run((redis) -> redis.info("replication")).contains("master_link_status:up")) {
			return false;
		}
		for (RedisProcess sentinel : this.sentinels) {
			Map<String, String> master = sentinel.run((redis) -> redis.dispatch(CommandType.SENTINEL,
					new MapOutput<>(StringCodec.UTF8), new CommandArgs<>(StringCodec.UTF8).add("MASTER").add(MASTER_NAME)));
			if (!"2".equals(master.get("num-other-sentinels")) || !"1".equals(master.get("num-slaves"))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Kills the primary (SIGKILL) and waits until the sentinels have promoted the replica
	 * (after {@code down-after-milliseconds}, 1 s, and their election). Writes not yet
	 * replicated are lost.
	 */
	public void killPrimary() {
		RedisProcess old = this.primary;
		old.stop();
		// Polled through new connections, which the sentinels' promotion may close as they open
		// (they disconnect the promoted replica's clients so that they reconnect): asked again.
		await().atMost(RedisProcess.READY).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
			.until(() -> this.replica.run((redis) -> redis.info("replication")).contains("role:master")
					&& this.sentinels.stream().allMatch((sentinel) -> Integer.toString(this.replica.port())
						.equals(sentinel.run((redis) -> redis.dispatch(CommandType.SENTINEL,
								new io.lettuce.core.output.ValueListOutput<>(StringCodec.UTF8),
								new CommandArgs<>(StringCodec.UTF8).add("GET-MASTER-ADDR-BY-NAME").add(MASTER_NAME)))
							.get(1))));
		this.primary = this.replica;
	}

	public int primaryPort() {
		return this.primary.port();
	}

	public int replicaPort() {
		return this.replica.port();
	}

	public List<Integer> sentinelPorts() {
		return this.sentinels.stream().map(RedisProcess::port).toList();
	}

	/** {@code INFO <section>} of the primary, e.g. {@code replication}. */
	public String primaryInfo(String section) {
		return this.primary.run((redis) -> redis.info(section));
	}

	/** {@code INFO <section>} of the replica. */
	public String replicaInfo(String section) {
		return this.replica.run((redis) -> redis.info(section));
	}

	/**
	 * A new, started Lettuce connection factory that finds the primary through the sentinels,
	 * as an application configured with {@code spring.data.redis.sentinel.*} would. The caller
	 * destroys it.
	 */
	public LettuceConnectionFactory newConnectionFactory() {
		RedisSentinelConfiguration sentinel = new RedisSentinelConfiguration().master(MASTER_NAME);
		sentinelPorts().forEach((port) -> sentinel.sentinel("127.0.0.1", port));
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.commandTimeout(Duration.ofSeconds(2))
			.build();
		LettuceConnectionFactory factory = new LettuceConnectionFactory(sentinel, client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** The Spring Boot properties that point an application context at this deployment. */
	public String[] springProperties() {
		return new String[] { "spring.data.redis.sentinel.master=" + MASTER_NAME, "spring.data.redis.sentinel.nodes="
				+ String.join(",", sentinelPorts().stream().map((port) -> "127.0.0.1:" + port).toList()) };
	}

	/** Stops every process for good and removes their files. */
	@Override
	public void close() {
		this.sentinels.forEach(RedisProcess::stop);
		this.replica.stop();
		this.primary.stop();
		RedisTestCluster.delete(this.directory);
	}

}
