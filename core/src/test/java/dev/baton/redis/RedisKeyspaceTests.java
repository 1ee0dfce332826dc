package dev.baton.redis;

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
	void rejectsBlankPrefix() {
		assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(() -> new RedisKeyspace(" "))
			.withMessageStartingWith("keyPrefix must be non-blank")
			.satisfies((ex) -> assertThat(ex.getFeature() + "." + ex.getSetting()).isEqualTo("redis.keyPrefix"));
	}

}
