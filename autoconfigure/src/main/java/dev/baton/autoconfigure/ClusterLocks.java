package dev.baton.autoconfigure;

import java.util.Map;

/**
 * Who holds a lock across the cluster, as the lock registry's store has it: what
 * {@code GET /actuator/baton/locks/{key}} answers. Read-only.
 */
interface ClusterLocks {

	/**
	 * The lock of {@code key}: its holder, lease left, wait queue and last fencing token.
	 * @param key the user key, as the lock was obtained for
	 * @return the lock as the store has it, in the endpoint's JSON shape
	 */
	Map<String, Object> describe(String key);

}
