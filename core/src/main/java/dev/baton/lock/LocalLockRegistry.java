package dev.baton.lock;

/**
 * Locks that exist in this JVM only: the registry Baton falls back to without a
 * {@code RedisConnectionFactory}. Same API, re-entrancy, fencing tokens and metrics as the
 * Redis registries, but two instances of an application do <em>not</em> exclude each other.
 */
public final class LocalLockRegistry extends AbstractLockRegistry {

	public LocalLockRegistry() {
		this(LockOptions.DEFAULTS);
	}

	public LocalLockRegistry(LockOptions options) {
		super(new LocalLockStore(), options);
	}

}
