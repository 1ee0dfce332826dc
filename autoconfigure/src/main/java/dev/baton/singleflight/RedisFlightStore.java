package dev.baton.singleflight;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.redis.RedisPubSubHub;
import reactor.core.publisher.Mono;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.lang.Nullable;

/**
 * One Redis (standalone, sentinel or cluster through Spring Data Redis). Each operation is one
 * Lua script run by EVALSHA; a flight's outcome and lease share the user key's hash slot.
 */
final class RedisFlightStore implements FlightStore {

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> CLAIM = script("claim", List.class);

	private static final RedisScript<Long> RENEW = script("renew", Long.class);

	private static final RedisScript<Long> COMPLETE = script("complete", Long.class);

	private static final RedisScript<Long> FORGET = script("forget", Long.class);

	private static final ObjectMapper NOTICES = new ObjectMapper();

	/** Outcomes whose value or message is at most this long travel with their notification. */
	static final int INLINE_LIMIT = 4096;

	private final ReactiveStringRedisTemplate redis;

	private final RedisPubSubHub hub;

	private final String doneChannel;

	private final String forgetChannel;

	/**
	 * @param doneChannel where completions are published
	 * @param forgetChannel where invalidations are published
	 */
	RedisFlightStore(ReactiveStringRedisTemplate redis, RedisPubSubHub hub, String doneChannel, String forgetChannel) {
		this.redis = redis;
		this.hub = hub;
		this.doneChannel = doneChannel;
		this.forgetChannel = forgetChannel;
	}

	@Override
	public boolean shared() {
		return true;
	}

	@Override
	public Mono<Claim> claim(String key, String owner, Duration lease, String waitedFor, boolean passOver) {
		return this.redis
			.execute(CLAIM, List.of(key, leaseKey(key)), List.of(owner, millis(lease), waitedFor, passOver ? "1" : "0"))
			.next()
			.map(RedisFlightStore::claim);
	}

	@Override
	public Mono<Boolean> renew(String key, String owner, Duration lease) {
		return this.redis.execute(RENEW, List.of(leaseKey(key)), List.of(owner, millis(lease)))
			.next()
			.map((renewed) -> renewed == 1L);
	}

	@Override
	public Mono<Void> complete(String key, String owner, @Nullable Stored outcome) {
		List<String> args = (outcome != null)
				? List.of(owner, outcome.status(), outcome.shared() ? "1" : "0", Long.toString(outcome.ttlMillis()),
						outcome.value(), outcome.errorType(), outcome.errorMessage(), this.doneChannel, INLINE)
				: List.of(owner, "", "0", "0", "", "", "", this.doneChannel, INLINE);
		return this.redis.execute(COMPLETE, List.of(key, leaseKey(key)), args).then();
	}

	@Override
	public Mono<Void> forget(String key) {
		return this.redis.execute(FORGET, List.of(key), List.of(this.forgetChannel)).then();
	}

	@Override
	public void onDone(Consumer<Done> listener) {
		this.hub.subscribe(this.doneChannel, (notice) -> listener.accept(done(notice)));
	}

	@Override
	public void onForget(Consumer<String> listener) {
		this.hub.subscribe(this.forgetChannel, listener);
	}

	/** Reads a notification: a JSON array, see complete.lua. */
	static Done done(String notice) {
		String[] fields;
		try {
			fields = NOTICES.readValue(notice, String[].class);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalArgumentException("Not a single-flight notification: " + ex.getOriginalMessage(), ex);
		}
		if (fields.length < 7) {
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

	private static Claim claim(List<?> reply) {
		long kind = (Long) reply.get(0);
		if (kind == 2) {
			return Claim.LEAD;
		}
		if (kind == 0) {
			return new Claim(ClaimKind.BUSY, null, (Long) reply.get(1), (String) reply.get(2));
		}
		Stored stored = new Stored((String) reply.get(2), (String) reply.get(3), "1".equals(reply.get(4)),
				(String) reply.get(5), (String) reply.get(6), (String) reply.get(7), (Long) reply.get(1));
		return new Claim(ClaimKind.STORED, stored, 0, "");
	}

	private static final String INLINE = Integer.toString(INLINE_LIMIT);

	private static String millis(Duration duration) {
		return Long.toString(Math.max(duration.toMillis(), 1));
	}

	@SuppressWarnings("unchecked")
	private static <T> RedisScript<T> script(String name, Class<T> type) {
		return RedisScript.of(new ClassPathResource("dev/baton/singleflight/" + name + ".lua"), type);
	}

}
