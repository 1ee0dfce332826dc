package dev.baton.autoconfigure;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.baton.Observed;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.lang.Nullable;

/** An {@link Observed} as a started Micrometer {@link Observation}, stopped once by {@link #end}. */
final class ObservationWork implements Observed {

	/** The high-cardinality key of an evaluated key, when {@code baton.observation.include-keys} is on. */
	static final String KEY = "baton.key";

	private final Observation observation;

	private final AtomicBoolean ended = new AtomicBoolean();

	private ObservationWork(Observation observation) {
		this.observation = observation;
	}

	/**
	 * Starts an observation, or returns {@link Observed#NONE} when the registry observes nothing.
	 * @param key the evaluated key, shown as {@value #KEY}, or {@code null} to show none
	 */
	static Observed start(ObservationRegistry registry, String name, String contextualName, KeyValues tags,
			@Nullable String key) {
		if (registry.isNoop()) {
			return Observed.NONE;
		}
		Observation observation = Observation.createNotStarted(name, registry)
			.contextualName(contextualName)
			.lowCardinalityKeyValues(tags);
		if (key != null) {
			observation.highCardinalityKeyValue(KEY, key);
		}
		return new ObservationWork(observation.start());
	}

	@Override
	public Observed detail(String key, String value) {
		this.observation.highCardinalityKeyValue(key, value);
		return this;
	}

	@Override
	public void end(@Nullable String outcome, @Nullable Throwable error) {
		if (!this.ended.compareAndSet(false, true)) {
			return;
		}
		if (outcome != null) {
			this.observation.lowCardinalityKeyValue("outcome", outcome);
		}
		if (error != null) {
			this.observation.error(error);
		}
		this.observation.stop();
	}

}
