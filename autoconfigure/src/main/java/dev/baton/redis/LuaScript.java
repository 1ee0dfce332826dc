package dev.baton.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.script.DigestUtils;

/**
 * A Lua script read once from a {@code .lua} resource and run by EVALSHA on a long-lived
 * reactive connection, falling back to EVAL (which also caches it on the server) when the
 * server does not know it yet, for example after a restart. Keys and arguments travel as
 * KEYS/ARGV, never spliced into the script.
 * <p>
 * This is the hot path of every lock operation, so it skips the template layer: arguments are
 * encoded once here and the connection is reused, not fetched per call.
 */
public final class LuaScript {

	private final String name;

	private final byte[] source;

	private final String sha1;

	private final ReturnType returnType;

	private LuaScript(String name, String source, ReturnType returnType) {
		this.name = name;
		this.source = source.getBytes(StandardCharsets.UTF_8);
		this.sha1 = DigestUtils.sha1DigestAsHex(source);
		this.returnType = returnType;
	}

	/**
	 * Reads a script from the class path, now.
	 * @param path e.g. {@code dev/baton/lock/acquire.lua}
	 * @param returnType how Redis's reply is read
	 */
	public static LuaScript fromClasspath(String path, ReturnType returnType) {
		return new LuaScript(path, read(path), returnType);
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
	 * Runs the script.
	 * @return the reply: a {@code Long} for integer replies, a {@code List} for multi-bulk
	 * replies, as Spring Data Redis reads them
	 */
	public <T> Mono<T> execute(ReactiveConnectionSource source, List<String> keys, List<String> args) {
		ByteBuffer[] keysAndArgs = new ByteBuffer[keys.size() + args.size()];
		int i = 0;
		for (String key : keys) {
			keysAndArgs[i++] = ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8));
		}
		for (String arg : args) {
			keysAndArgs[i++] = ByteBuffer.wrap(arg.getBytes(StandardCharsets.UTF_8));
		}
		return Mono.defer(() -> {
			ReactiveRedisConnection connection = source.get();
			return connection.scriptingCommands()
				.<T>evalSha(this.sha1, this.returnType, keys.size(), duplicates(keysAndArgs))
				.next()
				.onErrorResume(LuaScript::isNoScript, (ex) -> connection.scriptingCommands()
					.<T>eval(ByteBuffer.wrap(this.source), this.returnType, keys.size(), duplicates(keysAndArgs))
					.next());
		});
	}

	private static ByteBuffer[] duplicates(ByteBuffer[] buffers) {
		ByteBuffer[] copies = new ByteBuffer[buffers.length];
		for (int i = 0; i < buffers.length; i++) {
			copies[i] = buffers[i].duplicate();
		}
		return copies;
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
