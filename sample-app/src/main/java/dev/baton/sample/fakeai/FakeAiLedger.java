package dev.baton.sample.fakeai;

import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the fake endpoint answered and billed, to compare with what the client counted: counters
 * here and {@code sample.fake_ai.responses} (tag {@code status}) in Micrometer.
 */
final class FakeAiLedger {

	private final LongAdder promptTokens = new LongAdder();

	private final LongAdder completionTokens = new LongAdder();

	private final Counter answered;

	private final Counter rateLimited;

	private final Counter injected;

	FakeAiLedger(MeterRegistry meters) {
		this.answered = responses(meters, "200");
		this.rateLimited = responses(meters, "429_rate_limit");
		this.injected = responses(meters, "429_injected");
	}

	private static Counter responses(MeterRegistry meters, String status) {
		return Counter.builder("sample.fake_ai.responses")
			.description("Answers of the fake AI endpoint")
			.tag("status", status)
			.register(meters);
	}

	void billed(long prompt, long completion) {
		this.promptTokens.add(prompt);
		this.completionTokens.add(completion);
		this.answered.increment();
	}

	void rateLimited() {
		this.rateLimited.increment();
	}

	void injected() {
		this.injected.increment();
	}

	long promptTokens() {
		return this.promptTokens.sum();
	}

	long completionTokens() {
		return this.completionTokens.sum();
	}

	long tooManyRequests() {
		return (long) (this.rateLimited.count() + this.injected.count());
	}

}
