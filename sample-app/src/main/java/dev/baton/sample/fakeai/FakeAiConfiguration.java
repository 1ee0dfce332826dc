package dev.baton.sample.fakeai;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;

/** The fake AI endpoint's beans, with the {@code fake-ai} profile only. */
@Configuration(proxyBeanMethods = false)
@Profile("fake-ai")
@EnableConfigurationProperties(FakeAiProperties.class)
class FakeAiConfiguration {

	@Bean
	FakeAiLedger fakeAiLedger(MeterRegistry meters) {
		return new FakeAiLedger(meters);
	}

}
