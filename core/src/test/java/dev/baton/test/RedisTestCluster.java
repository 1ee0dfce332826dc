package dev.baton.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis Cluster for tests: {@code redis-server --cluster-enabled yes} processes on free
 * loopback ports (the binary on {@code PATH}, or else the one inside the {@code embedded-redis}
 * jar, as {@link RedisTestServers} chooses), the 16384 slots split evenly over the masters
 * with {@code CLUSTER ADDSLOTS} and the nodes joined with {@code CLUSTER MEET}, from Java.
 * <p>
 * No persistence; each node's files live in a temporary directory removed on close. Every
 * wait is bounded. Where no binary can start, {@link #start(int)} aborts the calling test
 * (a JUnit skip) rather than failing it: a cluster is an extra deployment to prove, not a
 * precondition of the suite.
 */
public final class RedisTestCluster implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(RedisTestCluster.class);

	/** Redis Cluster's slot count. */
	public static final int SLOTS = 16384;

	private static final Duration READY = Duration.ofSeconds(30);

	private static RedisTestCluster shared;

	private final Path directory;

	/** The masters in slot order; a failover puts the promoted replica in its master's place. */
	private final List<RedisProcess> masters;

	/** Each master's replica, by the master's index, or {@code null} where it has none (left). */
	private final List<RedisProcess> replicas;

	private RedisTestCluster(Path directory, List<RedisProcess> masters, List<RedisProcess> replicas) {
		this.directory = directory;
		this.masters = new ArrayList<>(masters);
		this.replicas = new ArrayList<>(replicas);
	}

	/** A three-master cluster per test JVM, started on first use and shared by every cluster test. */
	public static synchronized RedisTestCluster shared() {
		if (shared == null) {
			shared = start(3);
			Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "redis-test-cluster"));
		}
		return shared;
	}

	/**
	 * A new cluster of {@code masters} masters that the caller owns and closes.
	 * @throws TestAbortedException if no {@code redis-server} binary can start here
	 */
	public static RedisTestCluster start(int masters) {
		return start(masters, false, binary());
	}

	/**
	 * A new cluster of {@code masters} masters with one replica each (for failover tests), that
	 * the caller owns and closes.
	 * @throws TestAbortedException if no {@code redis-server} binary can start here
	 */
	public static RedisTestCluster startWithReplicas(int masters) {
		return start(masters, true, binary());
	}

	/**
	 * A new cluster of {@code masters} masters run by the {@code embedded-redis} jar's binary
	 * (Redis 6.2), for what depends on the servers' version; the caller closes it.
	 * @throws TestAbortedException if that binary cannot start here
	 */
	public static RedisTestCluster startEmbedded(int masters) {
		File binary = RedisTestServers.embeddedBinary()
			.orElseThrow(() -> new TestAbortedException("The embedded-redis jar has no binary for this platform"));
		return start(masters, false, binary);
	}

	/** A cluster of {@code masters} masters run by {@code binary}: to test each binary the suite may use. */
	static RedisTestCluster start(int masters, File binary) {
		return start(masters, false, binary);
	}

	private static RedisTestCluster start(int masters, boolean withReplicas, File binary) {
		Path directory;
		try {
			directory = Files.createTempDirectory("baton-cluster");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<RedisProcess> nodes = new ArrayList<>();
		try {
			List<RedisProcess> replicas = new ArrayList<>();
			for (int i = 0; i < masters; i++) {
				nodes.add(node(binary, directory));
			}
			for (int i = 0; withReplicas && i < masters; i++) {
				RedisProcess replica = node(binary, directory);
				nodes.add(replica);
				replicas.add(replica);
			}
			RedisTestCluster cluster = new RedisTestCluster(directory, nodes.subList(0, masters), replicas);
			cluster.assignSlotsAndMeet();
			cluster.attachReplicas();
			logger.info("Test Redis Cluster ({}): masters on ports {}, replicas on {}", binary, cluster.ports(),
					replicas.stream().map(RedisProcess::port).toList());
			return cluster;
		}
		catch (RuntimeException | Error ex) {
			nodes.forEach(RedisProcess::stop);
			delete(directory);
			throw ex;
		}
	}

	private static RedisProcess node(File binary, Path directory) {
		return new RedisProcess(binary, RedisTestServers.freePort(), directory, "--cluster-enabled", "yes",
				"--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000");
	}

	private void attachReplicas() {
		if (this.replicas.isEmpty()) {
			return;
		}
		RedisProcess first = this.masters.get(0);
		for (RedisProcess replica : this.replicas) {
			replica.run((redis) -> redis.clusterMeet("127.0.0.1", first.port()));
		}
		for (int i = 0; i < this.replicas.size(); i++) {
			String masterId = this.masters.get(i).run(RedisCommands::clusterMyId);
			RedisProcess replica = this.replicas.get(i);
			// The replica must have learnt of its master through the bus before it can follow it.
			await().atMost(READY).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
				.until(() -> "OK".equals(replica.run((redis) -> redis.clusterReplicate(masterId))));
		}
		await().atMost(READY).pollInterval(Duration.ofMillis(100)).until(() -> this.replicas.stream()
			.allMatch((replica) -> replica.run((redis) -> redis.info("replication")).contains("master_link_status:up")));
		await().atMost(READY).pollInterval(Duration.ofMillis(100))
			.until(() -> isReady(live(), this.masters.size() + this.replicas.size()));
	}

	/**
	 * Promotes the replica of the master at {@code index} ({@code CLUSTER FAILOVER} on the
	 * replica: the master hands over, losing nothing) and waits until every node agrees.
	 */
	public void failover(int index) {
		RedisProcess replica = replicaOf(index);
		replica.run((redis) -> redis.clusterFailover(false));
		promoted(index, replica);
	}

	/**
	 * Kills the master at {@code index} (SIGKILL) and waits until the cluster has promoted its
	 * replica (after {@code cluster-node-timeout}, 2 s): writes not yet replicated are lost.
	 */
	public void killMaster(int index) {
		RedisProcess replica = replicaOf(index);
		this.masters.get(index).stop();
		promoted(index, replica);
	}

	private RedisProcess replicaOf(int index) {
		RedisProcess replica = (index < this.replicas.size()) ? this.replicas.get(index) : null;
		if (replica == null) {
			throw new IllegalStateException("Master " + index + " has no replica (start with startWithReplicas)");
		}
		return replica;
	}

	private void promoted(int index, RedisProcess replica) {
		await().atMost(READY).pollInterval(Duration.ofMillis(50))
			.until(() -> replica.run((redis) -> redis.info("replication")).contains("role:master"));
		RedisProcess old = this.masters.set(index, replica);
		this.replicas.set(index, old.isAlive() ? old : null);
		await().atMost(READY).pollInterval(Duration.ofMillis(50)).until(this::agreesOnMasters);
	}

	/** Every live node sees the cluster up and the current masters as the slots' owners. */
	private boolean agreesOnMasters() {
		List<String> ids = this.masters.stream().map((node) -> node.run(RedisCommands::clusterMyId)).toList();
		for (RedisProcess node : live()) {
			if (!node.run(RedisCommands::clusterInfo).contains("cluster_state:ok")) {
				return false;
			}
			String nodes = node.run(RedisCommands::clusterNodes);
			for (String line : nodes.split("\\r?\\n")) {
				String[] fields = line.split(" ");
				if (fields.length > 8 && fields[2].contains("master") && !fields[2].contains("fail")
						&& !ids.contains(fields[0])) {
					return false;
				}
			}
		}
		return true;
	}

	private List<RedisProcess> live() {
		List<RedisProcess> live = new ArrayList<>(this.masters);
		this.replicas.stream().filter((replica) -> replica != null && replica.isAlive()).forEach(live::add);
		return live;
	}

	/** The binary {@link RedisTestServers} would run, or a JUnit skip where there is none. */
	static File binary() {
		boolean skipPath = "embedded".equalsIgnoreCase(System.getenv("BATON_TEST_REDIS_BINARY"));
		Optional<File> binary = skipPath ? Optional.empty() : RedisTestServers.binaryOnPath();
		if (binary.isEmpty()) {
			binary = RedisTestServers.embeddedBinary();
		}
		return binary.orElseThrow(() -> new TestAbortedException("No redis-server binary can start here (none on PATH"
				+ (skipPath ? ", skipped" : "") + ", none in the embedded-redis jar for "
				+ System.getProperty("os.name") + "/" + System.getProperty("os.arch") + "): no Redis Cluster tests"));
	}

	private void assignSlotsAndMeet() {
		int count = this.masters.size();
		for (int i = 0; i < count; i++) {
			int from = SLOTS * i / count;
			int to = SLOTS * (i + 1) / count;
			int[] slots = new int[to - from];
			for (int s = 0; s < slots.length; s++) {
				slots[s] = from + s;
			}
			// ADDSLOTS rather than 7.0's ADDSLOTSRANGE: the embedded jar's 6.2 has only this one.
			this.masters.get(i).run((redis) -> redis.clusterAddSlots(slots));
		}
		RedisProcess first = this.masters.get(0);
		for (RedisProcess other : this.masters.subList(1, count)) {
			first.run((redis) -> redis.clusterMeet("127.0.0.1", other.port()));
		}
		await().atMost(READY).pollInterval(Duration.ofMillis(100))
			.until(() -> isReady(this.masters, this.masters.size()));
	}

	/** Each of {@code nodes} sees {@code known} nodes and every slot covered. */
	private boolean isReady(List<RedisProcess> nodes, int known) {
		for (RedisProcess node : nodes) {
			String info = node.run(RedisCommands::clusterInfo);
			if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + known)) {
				return false;
			}
		}
		return true;
	}

	/** The masters' ports, in slot order: the first owns the lowest slots. */
	public List<Integer> ports() {
		return this.masters.stream().map(RedisProcess::port).toList();
	}

	/** The hash slot of {@code key}, as the cluster computes it. */
	public int slot(String key) {
		return this.masters.get(0).run((redis) -> redis.clusterKeyslot(key)).intValue();
	}

	/** The port of the master that owns {@code key}'s slot. */
	public int ownerOf(String key) {
		int slot = slot(key);
		return this.masters.get(slot * this.masters.size() / SLOTS).port();
	}

	/** One section of {@code INFO} of each master (e.g. {@code stats}, {@code commandstats}), by port. */
	public Map<Integer, String> info(String section) {
		Map<Integer, String> infos = new LinkedHashMap<>();
		for (RedisProcess node : this.masters) {
			infos.put(node.port(), node.run((redis) -> redis.info(section)));
		}
		return infos;
	}

	/**
	 * A counter of {@code CLUSTER INFO} summed over the masters, e.g.
	 * {@code cluster_stats_messages_publish_received}: how many pub/sub messages the cluster bus
	 * carried between nodes.
	 */
	public long clusterStat(String name) {
		long sum = 0;
		for (RedisProcess node : this.masters) {
			for (String line : node.run(RedisCommands::clusterInfo).split("\r?\n")) {
				if (line.startsWith(name + ":")) {
					sum += Long.parseLong(line.substring(name.length() + 1).trim());
				}
			}
		}
		return sum;
	}

	/**
	 * How many connections listen on {@code channel} (plain pub/sub), over all live nodes:
	 * replicas too, since a plain publish reaches every node.
	 */
	public long subscribers(String channel) {
		return live().stream()
			.mapToLong((node) -> node.run((redis) -> redis.pubsubNumsub(channel)).getOrDefault(channel, 0L))
			.sum();
	}

	/**
	 * Per master port, how many times {@code command} (e.g. {@code spublish}) has run there,
	 * calls from scripts included, from {@code INFO commandstats}.
	 */
	public Map<Integer, Long> commandCalls(String command) {
		Map<Integer, Long> calls = new LinkedHashMap<>();
		info("commandstats").forEach((port, info) -> calls.put(port, info.lines()
			.filter((line) -> line.startsWith("cmdstat_" + command + ":calls="))
			.mapToLong((line) -> Long.parseLong(line.substring(line.indexOf('=') + 1, line.indexOf(','))))
			.sum()));
		return calls;
	}

	/** {@link #commandCalls(String)} since {@code before}, per master port. */
	public Map<Integer, Long> commandCallsSince(String command, Map<Integer, Long> before) {
		Map<Integer, Long> delta = new LinkedHashMap<>();
		commandCalls(command).forEach((port, count) -> delta.put(port, count - before.getOrDefault(port, 0L)));
		return delta;
	}

	/**
	 * How many connections listen on the shard channel {@code channel} ({@code SSUBSCRIBE}), per
	 * master port: only the master owning the channel's slot should have any.
	 */
	public Map<Integer, Long> shardSubscribers(String channel) {
		Map<Integer, Long> subscribers = new LinkedHashMap<>();
		for (RedisProcess node : this.masters) {
			subscribers.put(node.port(),
					node.run((redis) -> redis.pubsubShardNumsub(channel)).getOrDefault(channel, 0L));
		}
		return subscribers;
	}

	/**
	 * Closes every pub/sub connection to the master on {@code port} ({@code CLIENT KILL TYPE
	 * pubsub}), as a network blip would: their clients reconnect and subscribe again.
	 */
	public void killPubSubConnections(int port) {
		RedisProcess master = this.masters.stream()
			.filter((node) -> node.port() == port)
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No master on port " + port));
		master.run((redis) -> redis.clientKill(io.lettuce.core.KillArgs.Builder.typePubsub()));
	}

	/** Runs {@code CONFIG RESETSTAT} on every master, so {@link #info(String)} counts from now. */
	public void resetStats() {
		this.masters.forEach((node) -> node.run(RedisCommands::configResetstat));
	}

	/**
	 * A new, started Lettuce connection factory for the cluster, as an application configured
	 * with {@code spring.data.redis.cluster.nodes} and adaptive topology refresh would have: it
	 * follows {@code MOVED} and {@code ASK} redirections. A cluster with replicas (for failover
	 * tests) also refreshes every second, so that its clients learn of a promoted replica. The
	 * caller destroys it.
	 */
	public LettuceConnectionFactory newConnectionFactory() {
		ClusterTopologyRefreshOptions.Builder refresh = ClusterTopologyRefreshOptions.builder()
			.enableAllAdaptiveRefreshTriggers();
		if (!this.replicas.isEmpty()) {
			// As Boot's spring.data.redis.lettuce.cluster.refresh.period=1s: without a periodic refresh, a
			// client kept reconnecting to a killed master long after its replica took over.
			refresh.enablePeriodicRefresh(Duration.ofSeconds(1));
		}
		LettuceClientConfiguration client = LettuceClientConfiguration.builder()
			.commandTimeout(Duration.ofSeconds(2))
			.clientOptions(ClusterClientOptions.builder().topologyRefreshOptions(refresh.build()).build())
			.build();
		RedisClusterConfiguration cluster = new RedisClusterConfiguration(
				ports().stream().map((port) -> "127.0.0.1:" + port).toList());
		LettuceConnectionFactory factory = new LettuceConnectionFactory(cluster, client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** The Spring Boot properties that point an application context at this cluster. */
	public String[] springProperties() {
		return new String[] { "spring.data.redis.cluster.nodes="
				+ String.join(",", ports().stream().map((port) -> "127.0.0.1:" + port).toList()) };
	}

	/** Stops every node for good and removes their files. */
	@Override
	public void close() {
		this.masters.forEach(RedisProcess::stop);
		this.replicas.stream().filter((replica) -> replica != null).forEach(RedisProcess::stop);
		delete(this.directory);
	}

	static void delete(Path directory) {
		try (Stream<Path> files = Files.walk(directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
		catch (IOException ex) {
			logger.debug("Could not remove {}", directory, ex);
		}
	}

}
