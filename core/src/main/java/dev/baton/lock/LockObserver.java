package dev.baton.lock;

import dev.baton.WaitObserver;

/** Hears how long callers waited for and held distributed locks ({@code baton.lock.acquire}, {@code baton.lock.held}). */
public interface LockObserver extends WaitObserver {

	/** Observes nothing. */
	LockObserver NONE = new LockObserver() {
	};

}
