package dev.baton.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * Real Redis servers for tests, in this order of preference:
 * <ol>
 * <li>an external server, when {@code BATON_TEST_REDIS_URL} is set (used for
 * {@link #shared()} only: tests never stop a server they do not own);</li>
 * <li>a Testcontainers {@code redis:7} container, when a Docker engine answers;</li>
 * <li>a {@code redis-server} process on a free loopback port: the binary on {@code PATH}, or
 * else the one shipped inside the {@code embedded-redis} jar. No persistence; stopped when
 * the JVM exits.</li>
 * </ol>
 * {@code BATON_TEST_REDIS_BINARY=embedded} skips the {@code PATH} binary (to test the jar's).
 */
public final class RedisTestServers {

	private static final Logger logger = LoggerFactory.getLogger(RedisTestServers.class);

	private static RedisTestServer shared;

	private static Launcher launcher;

	private RedisTestServers() {
	}

	/** One server per test JVM, started on first use and shared by every test that needs "a Redis". */
	public static synchronized RedisTestServer shared() {
		if (shared == null) {
			String external = System.getenv("BATON_TEST_REDIS_URL");
			shared = (external != null && !external.isBlank()) ? external(external) : start();
			logger.info("Shared test Redis: {} at {}", shared.kind(), shared.url());
		}
		return shared;
	}

	/** A new independent server that the caller owns: it can stop, restart and close it. */
	public static RedisTestServer start() {
		return launcher().launch();
	}

	/** Several independent servers at once (Redlock masters). */
	public static List<RedisTestServer> start(int count) {
		List<RedisTestServer> servers = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			servers.add(start());
		}
		return servers;
	}

	private static synchronized Launcher launcher() {
		if (launcher == null) {
			launcher = chooseLauncher(RedisTestServers::dockerAvailable, RedisTestServers::binaryOnPath,
					RedisTestServers::embeddedBinary, System.getenv());
		}
		return launcher;
	}

	/** A way to start managed servers. */
	interface Launcher {

		RedisTestServer launch();

	}

	/**
	 * Picks how managed servers are started. Package-private so the choice, and the message
	 * when there is none, can be tested with stand-ins for the machine's abilities.
	 */
	static Launcher chooseLauncher(BooleanSupplier docker, Supplier<Optional<File>> pathBinary,
			Supplier<Optional<File>> embeddedBinary, Map<String, String> env) {
		if (docker.getAsBoolean()) {
			return ContainerRedisServer::new;
		}
		boolean skipPath = "embedded".equalsIgnoreCase(env.get("BATON_TEST_REDIS_BINARY"));
		Optional<File> binary = skipPath ? Optional.empty() : pathBinary.get();
		String source = "PATH";
		if (binary.isEmpty()) {
			binary = embeddedBinary.get();
			source = "embedded-redis jar";
		}
		if (binary.isEmpty()) {
			throw new IllegalStateException("No way to start Redis for tests: BATON_TEST_REDIS_URL is not set, "
					+ "no Docker engine answers, no redis-server is on PATH"
					+ (skipPath ? " (skipped: BATON_TEST_REDIS_BINARY=embedded)" : "")
					+ ", and the embedded-redis jar has no binary for " + System.getProperty("os.name") + "/"
					+ System.getProperty("os.arch") + ". Install redis-server or set BATON_TEST_REDIS_URL.");
		}
		File executable = binary.get();
		String kind = "process (" + source + ": " + executable + ")";
		return () -> new ProcessRedisServer(executable, freePort(), kind);
	}

	static boolean dockerAvailable() {
		if ("false".equalsIgnoreCase(System.getenv("BATON_TEST_DOCKER"))) {
			return false;
		}
		boolean configured = System.getenv("DOCKER_HOST") != null
				|| java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))
				|| java.nio.file.Files.exists(java.nio.file.Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
		if (!configured) {
			// Nothing for Testcontainers to find: skip its probe and the errors it logs.
			return false;
		}
		try {
			return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			// Testcontainers' own detection failing (no socket, no client config) means no Docker.
			logger.debug("Docker not available for tests", ex);
			return false;
		}
	}

	static Optional<File> binaryOnPath() {
		try {
			return Optional.of(ExecutableProvider.newExecutableInPath("redis-server").get());
		}
		catch (IOException ex) {
			return Optional.empty();
		}
	}

	static Optional<File> embeddedBinary() {
		try {
			return Optional.of(ExecutableProvider.newJarResourceProvider().get());
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("embedded-redis has no binary for this platform", ex);
			return Optional.empty();
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			socket.setReuseAddress(true);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static RedisTestServer external(String url) {
		URI uri = URI.create(url);
		String host = uri.getHost();
		int port = (uri.getPort() > 0) ? uri.getPort() : 6379;
		return new RedisTestServer() {

			@Override
			public String host() {
				return host;
			}

			@Override
			public int port() {
				return port;
			}

			@Override
			public String kind() {
				return "external";
			}

			@Override
			public boolean isRunning() {
				return true;
			}

			@Override
			public void stop() {
				throw new UnsupportedOperationException("The external Redis " + url + " is not the test's to stop");
			}

			@Override
			public void start() {
			}

			@Override
			public void close() {
			}
		};
	}

	/** A {@code redis-server} process on a fixed loopback port, restartable on that port. */
	static final class ProcessRedisServer implements RedisTestServer {

		private final File executable;

		private final int port;

		private final String kind;

		private RedisServer server;

		ProcessRedisServer(File executable, int port, String kind) {
			this.executable = executable;
			this.port = port;
			this.kind = kind;
			start();
			Runtime.getRuntime().addShutdownHook(new Thread(this::close, "redis-test-server-" + port));
		}

		@Override
		public String host() {
			return "127.0.0.1";
		}

		@Override
		public int port() {
			return this.port;
		}

		@Override
		public String kind() {
			return this.kind;
		}

		@Override
		public synchronized boolean isRunning() {
			return this.server != null && this.server.isActive();
		}

		@Override
		public synchronized void start() {
			if (isRunning()) {
				return;
			}
			try {
				this.server = RedisServer.newRedisServer()
					.executableProvider(() -> this.executable)
					.bind("127.0.0.1")
					.port(this.port)
					.setting("save \"\"")
					.setting("appendonly no")
					.onShutdownForceStop(true)
					.build();
				this.server.start();
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not start " + this.kind + " on port " + this.port, ex);
			}
		}

		@Override
		public synchronized void stop() {
			if (this.server == null) {
				return;
			}
			try {
				this.server.stop();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			finally {
				this.server = null;
			}
		}

	}

	/** A Testcontainers {@code redis:7} container bound to a fixed host port, so a restart keeps the port. */
	static final class ContainerRedisServer implements RedisTestServer {

		private final org.testcontainers.containers.GenericContainer<?> container;

		private final int port = freePort();

		@SuppressWarnings("resource")
		ContainerRedisServer() {
			this.container = new org.testcontainers.containers.GenericContainer<>("redis:7-alpine")
				.withExposedPorts(6379)
				.withCommand("redis-server", "--save", "", "--appendonly", "no")
				.withCreateContainerCmdModifier((cmd) -> cmd.getHostConfig()
					.withPortBindings(com.github.dockerjava.api.model.PortBinding
						.parse("127.0.0.1:" + this.port + ":6379")));
			this.container.start();
		}

		@Override
		public String host() {
			return "127.0.0.1";
		}

		@Override
		public int port() {
			return this.port;
		}

		@Override
		public String kind() {
			return "container";
		}

		@Override
		public boolean isRunning() {
			return this.container.isRunning();
		}

		@Override
		public void stop() {
			this.container.getDockerClient().stopContainerCmd(this.container.getContainerId()).exec();
		}

		@Override
		public void start() {
			this.container.getDockerClient().startContainerCmd(this.container.getContainerId()).exec();
		}

		@Override
		public void close() {
			this.container.stop();
		}

	}

}
