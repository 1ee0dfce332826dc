package dev.baton.benchmarks;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;

import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis a benchmark runs against: {@code BATON_BENCH_REDIS_URL} when set, else a local
 * {@code redis-server} (the one on {@code PATH}, or the one in the embedded-redis jar) on a free
 * loopback port, without persistence, stopped on close.
 */
public final class BenchmarkRedis implements AutoCloseable {

	private final String host;

	private final int port;

	private final RedisServer server;

	private final String binary;

	private BenchmarkRedis(String host, int port, RedisServer server, String binary) {
		this.host = host;
		this.port = port;
		this.server = server;
		this.binary = binary;
	}

	public static BenchmarkRedis start() throws IOException {
		String url = System.getenv("BATON_BENCH_REDIS_URL");
		if (url != null && !url.isBlank()) {
			URI uri = URI.create(url);
			return new BenchmarkRedis(uri.getHost(), (uri.getPort() > 0) ? uri.getPort() : 6379, null, "external " + url);
		}
		return startLocal();
	}

	/** A local {@code redis-server} on a free loopback port, whatever {@code BATON_BENCH_REDIS_URL} says. */
	public static BenchmarkRedis startLocal() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		File executable;
		try {
			executable = ExecutableProvider.newExecutableInPath("redis-server").get();
		}
		catch (IOException ex) {
			executable = ExecutableProvider.newJarResourceProvider().get();
		}
		File chosen = executable;
		RedisServer server = RedisServer.newRedisServer()
			.executableProvider(() -> chosen)
			.bind("127.0.0.1")
			.port(port)
			.setting("save \"\"")
			.setting("appendonly no")
			.onShutdownForceStop(true)
			.build();
		server.start();
		return new BenchmarkRedis("127.0.0.1", port, server, chosen.getPath());
	}

	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	public String url() {
		return "redis://" + this.host + ":" + this.port;
	}

	/** What is serving, for the report. */
	public String describe() {
		return this.binary + " on " + this.host + ":" + this.port;
	}

	/** A new started Lettuce connection factory: one per simulated instance. */
	public LettuceConnectionFactory newConnectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(this.host, this.port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	@Override
	public void close() {
		if (this.server != null) {
			try {
				this.server.stop();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

}
