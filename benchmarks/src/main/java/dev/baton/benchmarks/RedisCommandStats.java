package dev.baton.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * What one Redis server spends, read on a connection of its own: per command, calls and
 * microseconds ({@code INFO commandstats}, zeroed by {@code CONFIG RESETSTAT}), the server
 * process's CPU time ({@code INFO cpu}), and, from the slow log set to record every command,
 * which commands clients sent and which scripts called.
 * <p>
 * A script's own entry counts the time of the commands it called, and those are counted again
 * under their own names; so Redis's time for a workload is the time of the commands sent, and
 * telling sent from called needs the slow log, where a command a script called has no client
 * address ({@code ?:0}).
 */
final class RedisCommandStats implements AutoCloseable {

	/** The commands this class sends, left out of every figure. */
	private static final Set<String> OWN = Set.of("info", "config|resetstat", "config|set", "config|get", "slowlog|get",
			"slowlog|reset");

	private static final String SCRIPT_CLIENT = "?:0";

	private final RedisClient client;

	private final StatefulRedisConnection<String, String> connection;

	private final RedisCommands<String, String> redis;

	RedisCommandStats(BenchmarkRedis server) {
		this.client = RedisClient.create(RedisURI.create(server.host(), server.port()));
		this.connection = this.client.connect();
		this.redis = this.connection.sync();
	}

	/** The server's version, e.g. {@code 7.0.15}. */
	String version() {
		return field(this.redis.info("server"), "redis_version");
	}

	/** Zeroes the command statistics. */
	void reset() {
		this.redis.configResetstat();
	}

	/** The server process's CPU time so far, user and system, in microseconds. */
	double cpuMicros() {
		String info = this.redis.info("cpu");
		return (Double.parseDouble(field(info, "used_cpu_user")) + Double.parseDouble(field(info, "used_cpu_sys"))) * 1e6;
	}

	/** Calls and microseconds per command since the last {@link #reset()}, this class's own left out. */
	Map<String, Command> commands() {
		Map<String, Command> commands = new HashMap<>();
		for (String line : this.redis.info("commandstats").split("\r?\n")) {
			if (!line.startsWith("cmdstat_")) {
				continue;
			}
			String name = line.substring("cmdstat_".length(), line.indexOf(':'));
			if (!OWN.contains(name)) {
				Map<String, String> values = pairs(line.substring(line.indexOf(':') + 1));
				commands.put(name, new Command(Long.parseLong(values.get("calls")), Long.parseLong(values.get("usec"))));
			}
		}
		return commands;
	}

	/** From now until {@link #origins()}, the slow log records every command (which slows Redis down). */
	void recordEveryCommand(int capacity) {
		this.redis.configSet("slowlog-max-len", Integer.toString(capacity));
		this.redis.configSet("slowlog-log-slower-than", "0");
		this.redis.slowlogReset();
	}

	/** Who issued the commands recorded since {@link #recordEveryCommand(int)}; the slow log is then back to its defaults. */
	Origins origins(int capacity) {
		List<Object> entries = this.redis.slowlogGet(capacity);
		this.redis.configSet("slowlog-log-slower-than", "10000");
		this.redis.configSet("slowlog-max-len", "128");
		this.redis.slowlogReset();
		Origins origins = new Origins(new HashMap<>(), new HashMap<>(), new HashMap<>());
		Map<Script, List<Long>> durations = new HashMap<>();
		for (Object entry : entries) {
			List<?> fields = (List<?>) entry;
			List<?> args = (List<?>) fields.get(3);
			boolean inScript = fields.size() > 4 && SCRIPT_CLIENT.equals(String.valueOf(fields.get(4)));
			Map<String, Long> counts = inScript ? origins.inScripts() : origins.sent();
			String name = String.valueOf(args.get(0)).toLowerCase(Locale.ROOT);
			counts.merge(name, 1L, Long::sum);
			if (args.size() > 1) {
				// Commands with subcommands are counted as "config|set" in INFO commandstats.
				counts.merge(name + "|" + String.valueOf(args.get(1)).toLowerCase(Locale.ROOT), 1L, Long::sum);
			}
			if (!inScript && name.equals("evalsha") && args.size() > 2) {
				Script script = new Script(String.valueOf(args.get(1)), Integer.parseInt(String.valueOf(args.get(2))));
				durations.computeIfAbsent(script, (key) -> new ArrayList<>()).add((Long) fields.get(2));
			}
		}
		durations.forEach((script, runs) -> {
			runs.sort(null);
			origins.scripts().put(script, new Command(runs.size(), runs.size() * runs.get(runs.size() / 2)));
		});
		return origins;
	}

	@Override
	public void close() {
		this.connection.close();
		this.client.shutdown();
	}

	private static String field(String info, String name) {
		for (String line : info.split("\r?\n")) {
			if (line.startsWith(name + ":")) {
				return line.substring(name.length() + 1).trim();
			}
		}
		throw new IllegalStateException("No " + name + " in INFO: " + info);
	}

	private static Map<String, String> pairs(String values) {
		Map<String, String> pairs = new HashMap<>();
		for (String pair : values.split(",")) {
			int equals = pair.indexOf('=');
			pairs.put(pair.substring(0, equals), pair.substring(equals + 1));
		}
		return pairs;
	}

	/** One command's calls and the microseconds Redis spent running them. */
	record Command(long calls, long micros) {

		Command plus(Command other) {
			return new Command(this.calls + other.calls, this.micros + other.micros);
		}

	}

	/** A script run by EVALSHA: its SHA-1 and how many keys it was given. */
	record Script(String sha, int keys) {
	}

	/**
	 * How many times each command was recorded as sent by a client and as called by a script.
	 * @param sent command name to how many times a client sent it
	 * @param inScripts command name to how many times a script called it
	 * @param scripts the scripts clients ran by EVALSHA: runs, and runs × their median recorded
	 * duration (the slow log slows runs down, and a few runs the busy machine interrupted would
	 * weigh most in a sum), good only for splitting EVALSHA's time between scripts
	 */
	record Origins(Map<String, Long> sent, Map<String, Long> inScripts, Map<Script, Command> scripts) {

		/**
		 * The share of a command's calls that clients sent: 1 for a command only clients sent, 0
		 * for one only scripts called; 1 for one never recorded.
		 */
		double sentShare(String command) {
			long sent = this.sent.getOrDefault(command, 0L);
			long called = this.inScripts.getOrDefault(command, 0L);
			return (sent + called == 0) ? 1 : (double) sent / (sent + called);
		}

	}

}
