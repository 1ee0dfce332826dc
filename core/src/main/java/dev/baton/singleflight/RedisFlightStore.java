package dev.baton.singleflight;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import dev.baton.json.JsonCodec;
import dev.baton.json.JsonCodecException;
import dev.baton.redis.LuaScript;
import dev.baton.redis.RedisPubSubHub;
import dev.baton.redis.ScriptConnection;
import dev.baton.redis.StoredFormat;
import dev.baton.redis.StoredFormatException;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.connection.ReturnType;
import org.springframework.lang.Nullable;

/**
 * One Redis (standalone, sentinel or cluster through Spring Data Redis). Each operation is one
 * Lua script run by EVALSHA; a flight's outcome and lease share the user key's hash slot.
 * <p>
 * Completions go to one channel for every flight with plain pub/sub; on a Redis Cluster of 7.0+
 * (a {@link RedisPubSubHub#sharded() sharded} hub) they go with {@code SPUBLISH} to the
 * flight's own shard channel, in its slot, which only the instances following that key hear.
 * Forgets stay on plain pub/sub: every instance may hold the key in its local cache.
 */
final class RedisFlightStore implements FlightStore {

	private static final LuaScript CLAIM = script("claim", ReturnType.MULTI);

	private static final LuaScript RENEW = script("renew", ReturnType.INTEGER);

	private static final LuaScript COMPLETE = script("complete", ReturnType.INTEGER);

	private static final LuaScript FORGET = script("forget", ReturnType.INTEGER);

	/**
	 * Built with its deserializer at class load: building one on first use takes Jackson's cache
	 * lock, and notifications are read on the pub/sub connection's event loop.
	 */
	private static final JsonCodec.JsonType NOTICES = JsonCodec.standard().type(String[].class);

	/** Outcomes whose value or message is at most this long travel with their notification. */
	static final int INLINE_LIMIT = 4096;

	private final ScriptConnection redis;

	private final RedisPubSubHub hub;

	private final String doneChannel;

	private final String forgetChannel;

	/** Whether completions go through shard channels, one per key ({@link RedisPubSubHub#sharded()}). */
	private final boolean sharded;

	/** The command completions are published with: {@code SPUBLISH} when sharded, else {@code PUBLISH}. */
	private final String publish;

	/** What hears completions; written once, before any use. */
	private volatile Consumer<String> notices = (notice) -> {
	};

	/**
	 * @param redis the long-lived connection every script runs on
	 * @param doneChannel where completions are published
	 * @param forgetChannel where invalidations are published
	 */
	RedisFlightStore(ScriptConnection redis, RedisPubSubHub hub, String doneChannel, String forgetChannel) {
		this.redis = redis;
		this.hub = hub;
		this.doneChannel = doneChannel;
		this.forgetChannel = forgetChannel;
		this.sharded = hub.sharded();
		this.publish = this.sharded ? "SPUBLISH" : "PUBLISH";
	}

	@Override
	public boolean shared() {
		return true;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Fails with a {@link StoredFormatException} when the stored outcome or the leader's lease
	 * is of a later format: neither is used, waited for nor replaced.
	 */
	@Override
	public Mono<Claim> claim(String key, String owner, Duration lease, String waitedFor, boolean passOver) {
		return CLAIM
			.<List<?>>execute(this.redis, List.of(key, leaseKey(key), generationKey(key)),
					List.of(owner, millis(lease), waitedFor, passOver ? "1" : "0"))
			.map(RedisFlightStore::claim)
			.onErrorMap((ex) -> StoredFormat.reportedBy(ex) != null,
					(ex) -> new StoredFormatException("Flight '" + key + "'", StoredFormat.reportedBy(ex)));
	}

	@Override
	public Mono<Boolean> renew(String key, String owner, Duration lease) {
		return RENEW.<Long>execute(this.redis, List.of(leaseKey(key)), List.of(owner, millis(lease)))
			.map((renewed) -> renewed == 1L);
	}

	@Override
	public Mono<Boolean> complete(String key, String owner, String generation, @Nullable Stored outcome) {
		List<String> args = (outcome != null)
				? List.of(owner, outcome.status(), outcome.shared() ? "1" : "0", Long.toString(outcome.ttlMillis()),
						outcome.value(), outcome.errorType(), outcome.errorMessage(), doneChannel(key), INLINE,
						generation, this.publish)
				: List.of(owner, "", "0", "0", "", "", "", doneChannel(key), INLINE, generation, this.publish);
		return COMPLETE.<Long>execute(this.redis, List.of(key, leaseKey(key), generationKey(key)), args)
			// Not stored: forgotten since the claim (2), or replaced by an outcome of a later format (4).
			.map((result) -> (result & 6) == 0);
	}

	@Override
	public Mono<Void> forget(String key, Duration generationLifetime) {
		return FORGET
			.execute(this.redis, List.of(key, generationKey(key)), List.of(this.forgetChannel, millis(generationLifetime)))
			.then();
	}

	@Override
	public void onDone(Consumer<Done> listener) {
		this.notices = (notice) -> listener.accept(done(notice));
		if (!this.sharded) {
			this.hub.subscribe(this.doneChannel, this.notices);
		}
	}

	@Override
	public boolean followsPerKey() {
		return this.sharded;
	}

	@Override
	public CompletableFuture<Void> follow(String key) {
		return this.sharded ? this.hub.follow(doneChannel(key), this.notices) : CompletableFuture.completedFuture(null);
	}

	@Override
	public void unfollow(String key) {
		if (this.sharded) {
			this.hub.unfollow(doneChannel(key), this.notices);
		}
	}

	/** Where a completion of {@code key} is published: its shard channel, in the key's slot, or the one channel. */
	String doneChannel(String key) {
		return this.sharded ? key + ":done" : this.doneChannel;
	}

	@Override
	public void onForget(Consumer<String> listener) {
		this.hub.subscribe(this.forgetChannel, listener);
	}

	/** Reads a notification: a JSON array, see complete.lua. */
	static Done done(String notice) {
		String[] fields;
		try {
			fields = (String[]) NOTICES.read(notice);
		}
		catch (JsonCodecException ex) {
			throw new IllegalArgumentException("Not a single-flight notification: " + ex.getMessage(), ex);
		}
		// A later format's outcome is not read here: the waiters claim again, and hear of its format.
		if (fields.length < 7 || fields[2].startsWith("@")) {
			return new Done(fields[0], null);
		}
		boolean error = Stored.ERROR.equals(fields[2]);
		Stored outcome = new Stored(fields[1], fields[2], "1".equals(fields[3]), error ? "" : fields[6], fields[5],
				error ? fields[6] : "", Long.parseLong(fields[4]));
		return new Done(fields[0], outcome);
	}

	private static String leaseKey(String key) {
		return key + ":lease";
	}

	private static String generationKey(String key) {
		return key + ":gen";
	}

	private static Claim claim(List<?> reply) {
		long kind = (Long) reply.get(0);
		if (kind == 2) {
			return Claim.lead(text(reply.get(1)));
		}
		if (kind == 0) {
			return new Claim(ClaimKind.BUSY, null, (Long) reply.get(1), text(reply.get(2)), "");
		}
		Stored stored = new Stored(text(reply.get(2)), text(reply.get(3)), "1".equals(text(reply.get(4))),
				text(reply.get(5)), text(reply.get(6)), text(reply.get(7)), (Long) reply.get(1));
		return new Claim(ClaimKind.STORED, stored, 0, "", "");
	}

	private static final String INLINE = Integer.toString(INLINE_LIMIT);

	private static String millis(Duration duration) {
		return Long.toString(Math.max(duration.toMillis(), 1));
	}

	/** A bulk string of a script's reply, however the driver handed it over. */
	private static String text(Object bulk) {
		if (bulk instanceof ByteBuffer buffer) {
			return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
		}
		return (bulk instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(bulk);
	}

	/** With format.lua in front: claim and complete read values other instances wrote. */
	private static LuaScript script(String name, ReturnType type) {
		return LuaScript.fromClasspath("dev/baton/singleflight/" + name + ".lua", type, StoredFormat.LIBRARY);
	}

}
