package dev.baton.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

import dev.baton.InvalidSettingException;

/**
 * Names every Redis key and channel Baton uses: {@code <prefix>:<feature>:{<user key>}}.
 * <p>
 * The braces make the user key a Redis Cluster hash tag, so all keys of one lock or flight
 * land on one slot. The user key goes between them as it is, except where that would break
 * the hash tag or collide: a key longer than {@value #MAX_USER_KEY_BYTES} UTF-8 bytes, an
 * empty key or one starting with '}' (an empty hash tag: Redis Cluster would hash each whole
 * key, spreading one lock over several slots), and a key that starts with
 * {@value #HASHED} (it could be spelled like another key's hash) are replaced by
 * {@value #HASHED} and their SHA-256 in hex. So every user key has its own keys, all in one
 * slot. User keys are always sent to Redis as KEYS or ARGV, never spliced into Lua text.
 */
public final class RedisKeyspace {

	/** User keys longer than this many UTF-8 bytes are hashed. */
	public static final int MAX_USER_KEY_BYTES = 512;

	/** What starts the tag of a hashed user key; no user key is kept as it is with this start. */
	static final String HASHED = "sha256:";

	private final String prefix;

	/**
	 * @param prefix the first segment of every key, for example {@code baton}
	 * @throws IllegalArgumentException if the prefix is blank or contains braces
	 */
	public RedisKeyspace(String prefix) {
		Objects.requireNonNull(prefix, "prefix");
		if (prefix.isBlank() || prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
			throw new InvalidSettingException("redis", "keyPrefix",
					"must be non-blank and contain no '{' or '}', got '" + prefix + "'");
		}
		this.prefix = prefix;
	}

	public String prefix() {
		return this.prefix;
	}

	/**
	 * The key of one entry of a feature, e.g. {@code baton:lock:{sku:42}}.
	 * @param feature the feature segment ({@code lock}, {@code singleflight}, ...)
	 * @param userKey the caller's key, any content
	 * @throws IllegalArgumentException if the feature segment contains a brace: the user key's
	 * braces must be the first, or the key's slot would not be the user key's
	 */
	public String key(String feature, String userKey) {
		if (feature.indexOf('{') >= 0 || feature.indexOf('}') >= 0) {
			throw new IllegalArgumentException("A key's feature segment must contain no '{' or '}', got '" + feature + "'");
		}
		return this.prefix + ':' + feature + ":{" + tag(userKey) + '}';
	}

	/**
	 * A second key in the same hash slot as {@link #key(String, String)}, e.g. the fencing
	 * counter of a lock: {@code baton:lock:{sku:42}:fence}.
	 */
	public String key(String feature, String userKey, String suffix) {
		return key(feature, userKey) + ':' + suffix;
	}

	/** A pub/sub channel of a feature, e.g. {@code baton:lock:released}. */
	public String channel(String feature, String name) {
		return this.prefix + ':' + feature + ':' + name;
	}

	/**
	 * The part of a key between the braces: the user key itself, or its hash (see the class
	 * comment). Braces inside a kept user key are harmless: Redis Cluster hashes the text
	 * between the first '{' and the first '}' after it, which is still one non-empty, stable
	 * slot per user key once the key does not start with '}'.
	 */
	static String tag(String userKey) {
		Objects.requireNonNull(userKey, "userKey");
		if (userKey.isEmpty() || userKey.charAt(0) == '}' || userKey.startsWith(HASHED)) {
			return hashed(userKey.getBytes(StandardCharsets.UTF_8));
		}
		if (userKey.length() <= MAX_USER_KEY_BYTES / 3) {
			// At most three UTF-8 bytes per char: short keys need no encoding to be measured.
			return userKey;
		}
		byte[] bytes = userKey.getBytes(StandardCharsets.UTF_8);
		return (bytes.length <= MAX_USER_KEY_BYTES) ? userKey : hashed(bytes);
	}

	private static String hashed(byte[] bytes) {
		return HASHED + sha256(bytes);
	}

	private static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every JVM", ex);
		}
	}

}
