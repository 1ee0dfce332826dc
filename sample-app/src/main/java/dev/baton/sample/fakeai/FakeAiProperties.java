package dev.baton.sample.fakeai;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The fake endpoint's behaviour ({@code sample.fake-ai.*}).
 *
 * @param requestsPerSecond requests it accepts per second; beyond that it answers 429 with
 * {@code Retry-After}
 * @param injected429Rate share of accepted requests answered 429 anyway (0 to 1), as real
 * providers do under load
 * @param latency time it takes to answer
 */
@ConfigurationProperties("sample.fake-ai")
record FakeAiProperties(@DefaultValue("50") int requestsPerSecond, @DefaultValue("0.1") double injected429Rate,
		@DefaultValue("30ms") Duration latency) {
}
