package dev.baton.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.lang.Nullable;

/**
 * The connection Baton's scripts run on: the factory's shared native Lettuce connection (one
 * per factory, multiplexing every command), through Lettuce's asynchronous API. Scripts are
 * the hot path of every lock operation; the asynchronous API answers with a future completed
 * on the event loop, without the reactive layers (Spring Data Redis's and Lettuce's
 * publishers) that cost as much client time as the script costs Redis. Opened when the source
 * is created (on the thread building the feature) or, if Redis is down then, on first use, on
 * a thread meant for blocking (see {@link #opened()}). Works for standalone, sentinel and
 * cluster setups alike: in a cluster Lettuce routes each script by its first key.
 */
public final class ScriptConnection {

	private static final Logger logger = LoggerFactory.getLogger(ScriptConnection.class);

	private final LettuceConnectionFactory factory;

	private volatile RedisClusterAsyncCommands<byte[], byte[]> commands;

	/** The opening under way or done; {@code null} before the first, replaced after a failed one. */
	private CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> opening;

	/**
	 * @param connectionFactory Lettuce's connection factory
	 * @throws IllegalArgumentException if it is another one
	 */
	public ScriptConnection(RedisConnectionFactory connectionFactory) {
		if (!(connectionFactory instanceof LettuceConnectionFactory lettuce)) {
			throw new IllegalArgumentException("Baton needs Lettuce's LettuceConnectionFactory, got "
					+ connectionFactory.getClass().getName());
		}
		this.factory = lettuce;
		try {
			open().ping().get(5, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			if (ex instanceof InterruptedException) {
				Thread.currentThread().interrupt();
			}
			logger.warn("Redis not reachable yet ({}); Baton will connect on first use", ex.getMessage());
		}
	}

	/** The commands if the connection is open, else {@code null}. */
	@Nullable
	RedisClusterAsyncCommands<byte[], byte[]> ifOpen() {
		return this.commands;
	}

	/**
	 * {@code SET key value NX PX ttl}: sets the key only if it is absent, with a time to live.
	 * One plain command, the cheapest write a lock can make: a script costs Redis several times
	 * as much (see the README's "Redis time per lock + unlock"). A connection not yet open is
	 * opened off the calling thread, as for a script.
	 * @param timeout the deadline, or {@code null} for none: a timer on the command itself, so a
	 * command that missed it while queued in Lettuce is never sent late
	 * @return {@code true} if the key was set
	 */
	public CompletableFuture<Boolean> setIfAbsent(String key, String value, Duration ttl,
			@Nullable Duration timeout) {
		byte[] encodedKey = key.getBytes(StandardCharsets.UTF_8);
		byte[] encodedValue = value.getBytes(StandardCharsets.UTF_8);
		SetArgs args = SetArgs.Builder.nx().px(Math.max(ttl.toMillis(), 1));
		RedisClusterAsyncCommands<byte[], byte[]> current = this.commands;
		if (current == null) {
			Mono<RedisClusterAsyncCommands<byte[], byte[]>> open = opened();
			return ((timeout != null) ? DeadlineTimer.within(open, timeout) : open).toFuture()
				.thenCompose((opened) -> set(opened, encodedKey, encodedValue, args, timeout));
		}
		return set(current, encodedKey, encodedValue, args, timeout);
	}

	private static CompletableFuture<Boolean> set(RedisClusterAsyncCommands<byte[], byte[]> commands, byte[] key,
			byte[] value, SetArgs args, @Nullable Duration timeout) {
		CompletableFuture<String> reply = commands.set(key, value, args).toCompletableFuture();
		return ((timeout != null) ? DeadlineTimer.expire(reply, timeout) : reply).thenApply("OK"::equals);
	}

	/**
	 * The commands once the connection is open. Opening blocks (Lettuce connects
	 * synchronously), so it happens on a thread meant for blocking, never on the caller's: that
	 * may be an event loop or the deadline timer. Callers share one opening at a time; one that
	 * gives up (a deadline, a cancel) leaves it running for the next, uninterrupted.
	 */
	Mono<RedisClusterAsyncCommands<byte[], byte[]>> opened() {
		RedisClusterAsyncCommands<byte[], byte[]> current = this.commands;
		return (current != null) ? Mono.just(current) : Mono.fromFuture(this::opening, true);
	}

	private synchronized CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> opening() {
		CompletableFuture<RedisClusterAsyncCommands<byte[], byte[]>> current = this.opening;
		if (current == null || current.isCompletedExceptionally()) {
			current = CompletableFuture.supplyAsync(this::open, (task) -> Schedulers.boundedElastic().schedule(task));
			this.opening = current;
		}
		return current;
	}

	/**
	 * Connects, blocking. Runs in the constructor, before anyone else sees this object, and
	 * afterwards only as the one {@link #opening()} under way, so never twice at once.
	 */
	private RedisClusterAsyncCommands<byte[], byte[]> open() {
		// A connection of a sharing factory is only a view of the shared native connection; it
		// stays open for the life of this source.
		RedisClusterAsyncCommands<byte[], byte[]> opened = ((LettuceConnection) this.factory.getConnection())
			.getNativeConnection();
		this.commands = opened;
		return opened;
	}

}
