package dev.baton.lock;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The fencing token of the lock guarding the current section, for code inside a
 * {@code @DistributedLock} method or a {@code withLock} callback: pass it to the store you
 * write to, so that the store can refuse writes carrying an older token.
 */
public final class LockContext {

	private static final ThreadLocal<Deque<LongSupplier>> tokens = ThreadLocal.withInitial(ArrayDeque::new);

	private static final String CONTEXT_KEY = LockContext.class.getName();

	private LockContext() {
	}

	/**
	 * The innermost lock's fencing token on this thread, if a blocking section holds one. A
	 * thread's hold is granted without its token when that is cheaper (a free Redis lock): the
	 * first call asks the store for it (one round trip), later ones answer at once.
	 * @throws LockLostException if the hold ended before its token was issued
	 * @throws LockUnavailableException if the store could not be asked
	 */
	public static OptionalLong fencingToken() {
		LongSupplier token = tokens.get().peek();
		return (token != null) ? OptionalLong.of(token.getAsLong()) : OptionalLong.empty();
	}

	/** The innermost lock's fencing token in a reactive section; empty outside one. */
	public static Mono<Long> reactiveFencingToken() {
		return Mono.deferContextual((context) -> Mono.justOrEmpty(context.<Long>getOrEmpty(CONTEXT_KEY)));
	}

	/**
	 * A Reactor context that carries the hold's token to the section.
	 * @param hold a hold
	 * @return a context for {@code contextWrite}
	 */
	public static Context with(LockHold hold) {
		return Context.of(CONTEXT_KEY, hold.fencingToken());
	}

	/**
	 * Makes a hold's fencing token the current thread's, for a blocking section that runs under
	 * a hold owned by a token rather than the thread (one released later, on another thread):
	 * {@link #fencingToken()} gives it until the section is closed, on this thread.
	 * @param hold the hold guarding the section
	 * @return the section; close it on the same thread when the section ends
	 */
	public static Section enter(LockHold hold) {
		long token = hold.fencingToken();
		return enter(() -> token);
	}

	/**
	 * Makes a source of the section's fencing token the current thread's, asked only when
	 * {@link #fencingToken()} is called: for a guard that wraps a thread's own lock, to learn of
	 * the token when the section asks for it.
	 * @param token gives the token; may throw as {@link #fencingToken()} does
	 * @return the section; close it on the same thread when the section ends
	 */
	public static Section enter(LongSupplier token) {
		push(token);
		return LockContext::pop;
	}

	/** A blocking section entered with {@link #enter(LockHold)}. */
	@FunctionalInterface
	public interface Section extends AutoCloseable {

		/** Ends the section: the thread no longer sees its token. */
		@Override
		void close();

	}

	/** Makes {@code token} the current thread's until {@link #pop()}. */
	static void push(LongSupplier token) {
		tokens.get().push(token);
	}

	static void pop() {
		// The empty deque stays: removing and re-creating it on every lock cost a thread-local
		// map entry each time, and it holds nothing of ours once empty.
		tokens.get().poll();
	}

}
