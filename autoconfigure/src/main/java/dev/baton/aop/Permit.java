package dev.baton.aop;

/**
 * A held permit: a keyed-mutex entry, a lock hold. Closing it gives it back.
 * <p>
 * {@link #close()} is idempotent: a second close does nothing and never throws. A permit may be
 * closed on a thread other than the one that acquired it (reactive pipelines hop threads).
 */
@FunctionalInterface
public interface Permit extends AutoCloseable {

	/** Releases the permit; does nothing if it is already released. */
	@Override
	void close();

}
