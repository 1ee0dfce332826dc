package dev.baton.autoconfigure;

import dev.baton.Observed;
import dev.baton.WaitObserver;
import dev.baton.WaitRecorder;
import dev.baton.lock.LockObserver;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.lang.Nullable;

/**
 * Observations of {@code @DistributedLock}: {@code baton.lock.wait} (tags {@code name},
 * {@code outcome}) from the start of a wait until it is granted or given up, then
 * {@code baton.lock.hold} (tag {@code name}) until the locks are given back. Records no meters:
 * {@link LockMetricsConfiguration}'s observer does.
 */
final class LockObservations implements LockObserver {

	private final ObservationRegistry registry;

	private final boolean includeKeys;

	LockObservations(ObservationRegistry registry, boolean includeKeys) {
		this.registry = registry;
		this.includeKeys = includeKeys;
	}

	@Override
	public WaitRecorder recorder(String name) {
		KeyValues tags = KeyValues.of("name", name);
		String waitName = "lock wait " + name;
		String holdName = "lock hold " + name;
		return new WaitRecorder() {

			@Override
			public void waited(WaitObserver.Outcome outcome, long nanos) {
			}

			@Override
			public boolean timeHold() {
				return false;
			}

			@Override
			public void held(long nanos) {
			}

			@Override
			public Observed startWait(String keys) {
				return ObservationWork.start(LockObservations.this.registry, "baton.lock.wait", waitName, tags, key(keys));
			}

			@Override
			public Observed startHold(String keys) {
				return ObservationWork.start(LockObservations.this.registry, "baton.lock.hold", holdName, tags, key(keys));
			}

		};
	}

	@Nullable
	private String key(String keys) {
		return this.includeKeys ? keys : null;
	}

}
