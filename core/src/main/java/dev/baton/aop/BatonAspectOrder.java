package dev.baton.aop;

import org.springframework.core.Ordered;

/**
 * Orders of Baton's aspects. A lower value runs further out: the keyed mutex wraps the
 * distributed lock, which wraps the single-flight. All of them are numerically below
 * {@link Ordered#LOWEST_PRECEDENCE}, the default order of {@code @Transactional}'s advisor, so
 * a lock is released only after the transaction inside it has committed or rolled back.
 */
public final class BatonAspectOrder {

	/** Order of the {@code @KeyedMutex} aspect: outermost. */
	public static final int KEYED_MUTEX = Ordered.LOWEST_PRECEDENCE - 300;

	/** Order of the {@code @DistributedLock} aspect. */
	public static final int DISTRIBUTED_LOCK = Ordered.LOWEST_PRECEDENCE - 200;

	/** Order of the {@code @SingleFlight} aspect: innermost of Baton's, still outside transactions. */
	public static final int SINGLE_FLIGHT = Ordered.LOWEST_PRECEDENCE - 100;

	private BatonAspectOrder() {
	}

}
