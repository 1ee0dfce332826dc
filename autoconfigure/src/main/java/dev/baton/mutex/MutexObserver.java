package dev.baton.mutex;

/**
 * Hears how long callers waited for and held keyed mutexes; the Micrometer binding implements
 * it. Called on hot paths: implementations must be quick and must not throw.
 */
public interface MutexObserver {

	/** Observes nothing; the pool then does not read the clock either. */
	MutexObserver NONE = new MutexObserver() {

		@Override
		public void waited(String name, Outcome outcome, long nanos) {
		}

		@Override
		public void held(String name, long nanos) {
		}

	};

	/**
	 * A wait ended.
	 * @param name the mutex's name
	 * @param outcome how it ended
	 * @param nanos how long it lasted, in nanoseconds
	 */
	void waited(String name, Outcome outcome, long nanos);

	/**
	 * A permit was released.
	 * @param name the mutex's name
	 * @param nanos how long it was held, in nanoseconds
	 */
	void held(String name, long nanos);

	/** How a wait ended. */
	enum Outcome {

		/** The permit was granted. */
		ACQUIRED,

		/** The wait time ran out. */
		TIMEOUT,

		/** The waiting thread was interrupted. */
		INTERRUPTED,

		/** The waiting subscriber cancelled. */
		CANCELLED

	}

}
