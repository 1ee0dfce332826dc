package dev.baton.aop;

import reactor.util.context.Context;
import reactor.util.context.ContextView;

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

	/**
	 * What a reactive method run under this permit finds in its Reactor context, e.g. a lock's
	 * fencing token for {@code LockContext.reactiveFencingToken()}. Empty by default.
	 * @return the context to write into the method's publisher
	 */
	default ContextView context() {
		return Context.empty();
	}

}
