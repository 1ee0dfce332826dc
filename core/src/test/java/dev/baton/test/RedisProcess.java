package dev.baton.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import static org.awaitility.Awaitility.await;

/**
 * One {@code redis-server} process on a loopback port, with its files in a directory of its
 * own under {@code directory}: a cluster node, a primary, a replica or a sentinel. Started
 * when constructed (waiting, bounded, until it answers {@code PING}); {@link #stop()} kills it.
 */
final class RedisProcess {

	static final Duration READY = Duration.ofSeconds(30);

	private final int port;

	private final Path home;

	private final Process process;

	private final RedisClient client;

	private boolean stopped;

	/**
	 * @param arguments more {@code redis-server} arguments, e.g. {@code --cluster-enabled yes}
	 */
	RedisProcess(File binary, int port, Path directory, String... arguments) {
		this(binary, port, directory, null, List.of(arguments));
	}

	/**
	 * @param config the text of a configuration file to start from (a sentinel needs one it can
	 * rewrite), or {@code null}
	 */
	RedisProcess(File binary, int port, Path directory, String config, List<String> arguments) {
		this.port = port;
		this.home = directory.resolve(Integer.toString(port));
		List<String> command = new ArrayList<>();
		command.add(binary.getAbsolutePath());
		try {
			Files.createDirectories(this.home);
			if (config != null) {
				Path file = this.home.resolve("redis.conf");
				Files.writeString(file, config);
				command.add(file.toString());
			}
			command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir",
					this.home.toString(), "--save", "", "--appendonly", "no"));
			command.addAll(arguments);
			this.process = new ProcessBuilder(command).directory(this.home.toFile())
				.redirectErrorStream(true)
				.redirectOutput(this.home.resolve("redis.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + binary + " on port " + port, ex);
		}
		this.client = RedisClient.create(RedisURI.create("127.0.0.1", port));
		try {
			await().atMost(READY).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
				.until(() -> "PONG".equals(run(RedisCommands::ping)));
		}
		catch (RuntimeException ex) {
			stop();
			throw new IllegalStateException("Redis on port " + port + " did not answer; see " + this.home.resolve("redis.log"), ex);
		}
	}

	int port() {
		return this.port;
	}

	/** Runs commands on a connection of its own, closed afterwards. */
	<T> T run(Function<RedisCommands<String, String>, T> command) {
		try (StatefulRedisConnection<String, String> connection = this.client.connect()) {
			return command.apply(connection.sync());
		}
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/** Kills the process (SIGKILL) and waits for it to end; again, does nothing. */
	synchronized void stop() {
		if (this.stopped) {
			return;
		}
		this.stopped = true;
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		this.process.destroyForcibly();
		try {
			this.process.waitFor();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
