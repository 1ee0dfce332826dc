package dev.baton.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import reactor.core.publisher.Mono;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.script.DigestUtils;
import org.springframework.lang.Nullable;

/**
 * A Lua script read once from a {@code .lua} resource and run by EVALSHA on a long-lived
 * connection, falling back to EVAL (which also caches it on the server) when the server does
 * not know it yet, for example after a restart. Keys and arguments travel as KEYS/ARGV, never
 * spliced into the script.
 * <p>
 * This is the hot path of every lock operation, so it skips the template layer: arguments are
 * encoded once here and the command goes straight to Lettuce's asynchronous API (see
 * {@link ScriptConnection}).
 */
public final class LuaScript {

	private final String name;

	private final byte[] source;

	private final String sha1;

	private final ScriptOutputType outputType;

	private LuaScript(String name, String source, ReturnType returnType) {
		this.name = name;
		this.source = source.getBytes(StandardCharsets.UTF_8);
		this.sha1 = DigestUtils.sha1DigestAsHex(source);
		// The two enums name Redis's reply kinds alike.
		this.outputType = ScriptOutputType.valueOf(returnType.name());
	}

	/**
	 * Reads a script from the class path, now, after the libraries it uses: files of
	 * {@code local function}s that several scripts share, put in front of its source, since
	 * Redis runs one text per script.
	 * @param path e.g. {@code dev/baton/lock/acquire.lua}
	 * @param returnType how Redis's reply is read
	 * @param libraries e.g. {@code dev/baton/lock/queue.lua}, in the order they are put in front
	 */
	public static LuaScript fromClasspath(String path, ReturnType returnType, String... libraries) {
		StringBuilder source = new StringBuilder();
		for (String library : libraries) {
			source.append(read(library)).append('\n');
		}
		return new LuaScript(path, source.append(read(path)).toString(), returnType);
	}

	/**
	 * The text of a script on the class path, read now: for callers that run it through Spring
	 * Data Redis's template, never with file I/O on an event loop at the first call.
	 * @param path e.g. {@code dev/baton/ai/ai-quota.lua}
	 */
	public static String read(String path) {
		try {
			return new ClassPathResource(path).getContentAsString(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read Lua script " + path, ex);
		}
	}

	/**
	 * Runs the script. Nothing is sent until subscription.
	 * @return the reply: a {@code Long} for integer replies, a {@code List} for multi-bulk
	 * replies (bulk strings as {@code byte[]}), as Lettuce reads them
	 */
	public <T> Mono<T> execute(ScriptConnection connection, List<String> keys, List<String> args) {
		return execute(connection, keys, args, null);
	}

	/**
	 * Runs the script, failing with a {@link java.util.concurrent.TimeoutException} when Redis
	 * has not answered within {@code timeout}.
	 * @param timeout the deadline, or {@code null} for none
	 * @see #execute(ScriptConnection, List, List)
	 */
	public <T> Mono<T> execute(ScriptConnection connection, List<String> keys, List<String> args,
			@Nullable Duration timeout) {
		byte[][] encodedKeys = encode(keys);
		byte[][] encodedArgs = encode(args);
		return Mono.defer(() -> {
			RedisClusterAsyncCommands<byte[], byte[]> commands = connection.ifOpen();
			if (commands != null) {
				return run(commands, encodedKeys, encodedArgs, timeout);
			}
			// A connection still opening counts against the deadline too: the caller hears in
			// time, and a command it gave up on is never sent.
			Mono<RedisClusterAsyncCommands<byte[], byte[]>> opened = connection.opened();
			return ((timeout != null) ? DeadlineTimer.within(opened, timeout) : opened)
				.flatMap((open) -> run(open, encodedKeys, encodedArgs, timeout));
		});
	}

	/** Cancelling the reply cancels the command too, so one still queued in Lettuce is never sent late. */
	private <T> Mono<T> run(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[][] keys, byte[][] args,
			@Nullable Duration timeout) {
		return Mono.<T>fromFuture(sent(commands.evalsha(this.sha1, this.outputType, keys, args), timeout), false)
			.onErrorResume(LuaScript::isNoScript,
					(ex) -> Mono.fromFuture(sent(commands.eval(this.source, this.outputType, keys, args), timeout), false));
	}

	/**
	 * Runs the script now, for a caller that waits for the reply anyway: the command's future,
	 * with no operator on the way. A connection not yet open is opened as by
	 * {@link #execute(ScriptConnection, List, List, Duration)}, off the calling thread.
	 * @param timeout the deadline, or {@code null} for none
	 */
	public <T> CompletableFuture<T> call(ScriptConnection connection, List<String> keys, List<String> args,
			@Nullable Duration timeout) {
		RedisClusterAsyncCommands<byte[], byte[]> commands = connection.ifOpen();
		if (commands == null) {
			return this.<T>execute(connection, keys, args, timeout).toFuture();
		}
		byte[][] encodedKeys = encode(keys);
		byte[][] encodedArgs = encode(args);
		// Its caller waits for it rather than cancels it; a deadline completes the command itself.
		return LuaScript.<T>sent(commands.evalsha(this.sha1, this.outputType, encodedKeys, encodedArgs), timeout)
			.exceptionallyCompose((ex) -> isNoScript(ex)
					? sent(commands.eval(this.source, this.outputType, encodedKeys, encodedArgs), timeout)
					: CompletableFuture.failedFuture(ex));
	}

	/**
	 * The command's reply, within the deadline if one is given: a timer on the command itself,
	 * so a command that missed its deadline while queued in Lettuce (waiting for a
	 * reconnection) is done, and Lettuce never sends it late.
	 */
	private static <T> CompletableFuture<T> sent(RedisFuture<T> command, @Nullable Duration timeout) {
		CompletableFuture<T> reply = command.toCompletableFuture();
		return (timeout != null) ? DeadlineTimer.expire(reply, timeout) : reply;
	}

	private static byte[][] encode(List<String> values) {
		byte[][] encoded = new byte[values.size()][];
		for (int i = 0; i < encoded.length; i++) {
			encoded[i] = values.get(i).getBytes(StandardCharsets.UTF_8);
		}
		return encoded;
	}

	private static boolean isNoScript(Throwable ex) {
		Throwable root = NestedExceptionUtils.getMostSpecificCause(ex);
		String message = root.getMessage();
		return message != null && message.contains("NOSCRIPT");
	}

	@Override
	public String toString() {
		return "LuaScript[" + this.name + "]";
	}

}
