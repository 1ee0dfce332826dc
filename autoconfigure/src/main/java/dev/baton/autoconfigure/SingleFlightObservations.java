package dev.baton.autoconfigure;

import dev.baton.Observed;
import dev.baton.singleflight.SingleFlightObserver;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationRegistry;

/**
 * Observations of single-flight calls that miss this JVM's cache: {@code baton.singleflight}
 * (tags {@code name}, {@code outcome} = {@code leader}, {@code follower}, {@code coalesced},
 * {@code l2_hit}, {@code error}, {@code timeout} or {@code cancelled}), from the call until its
 * result. Cache hits are not observed: they are the hot path. Records no meters.
 */
final class SingleFlightObservations implements SingleFlightObserver {

	private final ObservationRegistry registry;

	private final boolean includeKeys;

	SingleFlightObservations(ObservationRegistry registry, boolean includeKeys) {
		this.registry = registry;
		this.includeKeys = includeKeys;
	}

	@Override
	public Observed started(String name, String key) {
		return ObservationWork.start(this.registry, "baton.singleflight", "flight " + name, KeyValues.of("name", name),
				this.includeKeys ? key : null);
	}

}
