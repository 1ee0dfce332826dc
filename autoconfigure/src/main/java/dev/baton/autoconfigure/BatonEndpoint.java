package dev.baton.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.baton.mutex.KeyedMutexPool;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.lang.Nullable;

/**
 * The {@code baton} actuator endpoint, exposed like any other (not by default):
 * {@code GET /actuator/baton} lists what this instance does now (locks held, with their fencing
 * tokens, and waited for, flights in progress, keyed-mutex keys in use; keys only with
 * {@code baton.actuator.show-keys}) and the AI client's budgets; {@code GET
 * /actuator/baton/locks/{key}} answers who holds a key cluster-wide, from Redis or from each
 * Redlock master.
 */
@Endpoint(id = "baton")
final class BatonEndpoint {

	private final Activity activity;

	private final boolean showKeys;

	@Nullable
	private final KeyedMutexPool mutexes;

	@Nullable
	private final ClusterLocks clusterLocks;

	@Nullable
	private final AiBudgetsView aiBudgets;

	BatonEndpoint(Activity activity, boolean showKeys, @Nullable KeyedMutexPool mutexes,
			@Nullable ClusterLocks clusterLocks, @Nullable AiBudgetsView aiBudgets) {
		this.activity = activity;
		this.showKeys = showKeys;
		this.mutexes = mutexes;
		this.clusterLocks = clusterLocks;
		this.aiBudgets = aiBudgets;
	}

	@ReadOperation
	Map<String, Object> baton() {
		Map<String, Object> locks = new LinkedHashMap<>();
		locks.put("held", this.activity.list(Activity.Kind.LOCK_HOLD, this.showKeys));
		locks.put("waiting", this.activity.list(Activity.Kind.LOCK_WAIT, this.showKeys));
		Map<String, Object> view = new LinkedHashMap<>();
		view.put("locks", locks);
		view.put("flights", this.activity.list(Activity.Kind.FLIGHT, this.showKeys));
		if (this.mutexes != null) {
			view.put("keyedMutex", Map.of("keysInUse", this.mutexes.size()));
		}
		if (this.aiBudgets != null) {
			view.put("ai", this.aiBudgets.describe());
		}
		return view;
	}

	/**
	 * {@code /actuator/baton/locks/{key}}: the lock of {@code key} as Redis has it, or as each
	 * Redlock master has it with whether one owner holds it on a quorum.
	 * @return the holder, its lease left, the queue and the last fencing token; {@code null}
	 * (404) for another section, or when locks are kept neither in the application's Redis nor
	 * on Redlock masters configured through Baton
	 */
	@ReadOperation
	@Nullable
	Map<String, Object> lock(@Selector String section, @Selector String key) {
		if (!"locks".equals(section) || this.clusterLocks == null) {
			return null;
		}
		return this.clusterLocks.describe(key);
	}

}
