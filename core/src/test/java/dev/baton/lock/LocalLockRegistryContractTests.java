package dev.baton.lock;

/** The registry contract for the JVM-only registry: its "instances" are its own threads. */
class LocalLockRegistryContractTests extends LockRegistryContractTests {

	@Override
	AbstractLockRegistry newInstance(LockOptions options) {
		return new LocalLockRegistry(options);
	}

	@Override
	AbstractLockRegistry otherInstance() {
		return instance();
	}

}
