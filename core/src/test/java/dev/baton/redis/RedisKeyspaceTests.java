package dev.baton.redis;

import java.util.List;

import dev.baton.InvalidSettingException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RedisKeyspaceTests {

	private final RedisKeyspace keyspace = new RedisKeyspace("baton");

	@Test
	void wrapsTheUserKeyInAHashTag() {
		assertThat(this.keyspace.key("lock", "sku:42")).isEqualTo("baton:lock:{sku:42}");
		assertThat(this.keyspace.key("lock", "sku:42", "fence")).isEqualTo("baton:lock:{sku:42}:fence");
		assertThat(this.keyspace.channel("lock", "released")).isEqualTo("baton:lock:released");
	}

	@Test
	void keepsAnyShortKeyAsItIs() {
		assertThat(this.keyspace.key("lock", "a b*\n\u00e9\u6f22")).isEqualTo("baton:lock:{a b*\n\u00e9\u6f22}");
	}

	@Test
	void hashesLongKeysToAStableShortTag() {
		String longKey = "x".repeat(10_000);
		String key = this.keyspace.key("lock", longKey);
		assertThat(key).startsWith("baton:lock:{sha256:").hasSizeLessThan(100);
		assertThat(this.keyspace.key("lock", longKey)).isEqualTo(key);
		assertThat(this.keyspace.key("lock", longKey + "y")).isNotEqualTo(key);
	}

	@Test
	void givesEveryKeyANonEmptyHashTagThatItsSuffixedKeysShare() {
		for (String userKey : List.of("", "}", "}x", "a}b", "{}", "x{", "sha256:")) {
			String key = this.keyspace.key("lock", userKey);
			// Redis Cluster hashes the text between the first '{' and the first '}' after it, if any.
			int open = key.indexOf('{');
			String tag = key.substring(open + 1, key.indexOf('}', open + 1));
			assertThat(tag).as("hash tag of '%s' in %s", userKey, key).isNotEmpty();
			assertThat(this.keyspace.key("lock", userKey, "fence")).isEqualTo(key + ":fence");
		}
	}

	@Test
	void keepsTheKeysOfEveryKeyThatWasAlreadySafe() {
		assertThat(this.keyspace.key("lock", "a}b")).as("a tag cut short is still one slot").isEqualTo("baton:lock:{a}b}");
		assertThat(this.keyspace.key("lock", "x".repeat(600))).as("a long key's hash, as before")
			.isEqualTo("baton:lock:{sha256:5130b33e6b87fbf5316ed9049e98924eb110800bcbaaad8050f642fba6df37c9}");
	}

	@Test
	void neverGivesTwoUserKeysOneRedisKey() {
		String longKey = "x".repeat(10_000);
		String hashed = this.keyspace.key("lock", longKey);
		String spelledLikeTheHash = hashed.substring(hashed.indexOf('{') + 1, hashed.length() - 1);
		List<String> userKeys = List.of(longKey, spelledLikeTheHash, "", "}", "sha256:", "a}b", "a}c",
				"a", "{}", "}{");
		assertThat(userKeys.stream().map((userKey) -> this.keyspace.key("lock", userKey))).doesNotHaveDuplicates();
	}

	@Test
	void rejectsBracesInAFeatureSegment() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.keyspace.key("a{b", "k"));
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> this.keyspace.key("a}b", "k"));
	}

	@Test
	void rejectsBlankPrefix() {
		assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(() -> new RedisKeyspace(" "))
			.withMessageStartingWith("keyPrefix must be non-blank")
			.satisfies((ex) -> assertThat(ex.getFeature() + "." + ex.getSetting()).isEqualTo("redis.keyPrefix"));
	}

}
