package dev.baton.mutex;

import dev.baton.WaitObserver;

/** Hears how long callers waited for and held keyed mutexes ({@code baton.mutex.wait}, {@code baton.mutex.held}). */
public interface MutexObserver extends WaitObserver {

	/** Observes nothing; the pool then does not read the clock either. */
	MutexObserver NONE = new MutexObserver() {
	};

}
