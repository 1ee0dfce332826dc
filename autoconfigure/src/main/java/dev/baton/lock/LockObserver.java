package dev.baton.lock;

/**
 * Hears how long callers waited for and held distributed locks; the Micrometer binding
 * implements it. Called on hot paths: implementations must be quick and must not throw.
 */
public interface LockObserver {

	/** Observes nothing. */
	LockObserver NONE = new LockObserver() {

		@Override
		public void waited(String name, Outcome outcome, long nanos) {
		}

		@Override
		public void held(String name, long nanos) {
		}

	};

	/**
	 * A wait for a lock ended.
	 * @param name the lock's name (never its key)
	 * @param outcome how it ended
	 * @param nanos how long it lasted
	 */
	void waited(String name, Outcome outcome, long nanos);

	/**
	 * A lock was released.
	 * @param name the lock's name
	 * @param nanos how long it was held
	 */
	void held(String name, long nanos);

	/** How a wait ended. */
	enum Outcome {

		/** The lock was acquired. */
		ACQUIRED,

		/** The wait time ran out. */
		TIMEOUT,

		/** The store failed, or the wait was interrupted or cancelled. */
		ERROR

	}

}
