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
 * land on one slot. A user key longer than {@value #MAX_USER_KEY_BYTES} UTF-8 bytes is
 * replaced by its SHA-256 (hex), so any key content and length is safe. User keys are always
 * sent to Redis as KEYS or ARGV, never spliced into Lua text.
 */
public final class RedisKeyspace {

	/** User keys longer than this many UTF-8 bytes are hashed. */
	public static final int MAX_USER_KEY_BYTES = 512;

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
	 */
	public String key(String feature, String userKey) {
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
	 * The part of a key between the braces: the user key itself, or its hash when it is too
	 * long. Braces inside the user key are harmless: Redis Cluster hashes the text between the
	 * first '{' and the first '}' after it, which is still one stable slot per user key.
	 */
	static String tag(String userKey) {
		Objects.requireNonNull(userKey, "userKey");
		if (userKey.length() <= MAX_USER_KEY_BYTES / 3) {
			// At most three UTF-8 bytes per char: short keys need no encoding to be measured.
			return userKey;
		}
		byte[] bytes = userKey.getBytes(StandardCharsets.UTF_8);
		if (bytes.length <= MAX_USER_KEY_BYTES) {
			return userKey;
		}
		return "sha256:" + sha256(bytes);
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
