package dev.baton.singleflight;

import dev.baton.singleflight.FlightStore.Done;
import dev.baton.singleflight.FlightStore.Stored;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Notifications as complete.lua writes them (cjson arrays). */
class RedisFlightStoreTests {

	@Test
	void aKeyAloneCarriesNoOutcomeWhateverTheKeyHolds() {
		assertThat(RedisFlightStore.done("[\"baton:singleflight:{a\\nb \\\"c\\\"}\"]"))
			.isEqualTo(new Done("baton:singleflight:{a\nb \"c\"}", null));
	}

	@Test
	void aValueComesWithItsOwnerSharingAndLifetime() {
		assertThat(RedisFlightStore
			.done("[\"baton:singleflight:{k}\",\"owner\",\"value\",\"1\",\"60000\",\"\",\"{\\\"t\\\":\\\"x\\\\\\/y\\\"}\"]"))
			.isEqualTo(new Done("baton:singleflight:{k}",
					new Stored("owner", "value", true, "{\"t\":\"x\\/y\"}", "", "", 60000)));
	}

	@Test
	void anErrorCarriesItsTypeAndMultiLineMessage() {
		String notice = "[\"k\",\"owner\",\"error\",\"0\",\"5000\",\"java.io.IOException\",\"first\\nsecond\"]";
		assertThat(RedisFlightStore.done(notice).outcome())
			.isEqualTo(new Stored("owner", "error", false, "", "java.io.IOException", "first\nsecond", 5000));
	}

	@Test
	void somethingElseIsRefusedSayingSo() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisFlightStore.done("baton:singleflight:{k}"))
			.withMessageContaining("Not a single-flight notification");
	}

}
