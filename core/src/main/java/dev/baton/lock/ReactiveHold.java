package dev.baton.lock;

import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Mono;

/** A {@link LockHold} owned by one subscription rather than a thread. */
final class ReactiveHold implements LockHold {

	private final AbstractLockRegistry registry;

	private final String key;

	private final AtomicBoolean released = new AtomicBoolean();

	@GuardedBy("volatile; set once, when granted, before the hold reaches its subscriber")
	private volatile long token;

	ReactiveHold(AbstractLockRegistry registry, String key) {
		this.registry = registry;
		this.key = key;
	}

	/** The acquisition holds: the hold takes its fencing token. */
	ReactiveHold granted(long token) {
		this.token = token;
		return this;
	}

	@Override
	public String key() {
		return this.key;
	}

	@Override
	public long fencingToken() {
		return this.token;
	}

	@Override
	public boolean isValid() {
		if (this.released.get()) {
			return false;
		}
		KeyState state = this.registry.state(this.key);
		Lease lease = (state != null && state.isOwner(this)) ? state.lease() : null;
		return lease != null && lease.isValid();
	}

	@Override
	public Mono<Void> release() {
		return Mono.defer(() -> {
			if (!this.released.compareAndSet(false, true)) {
				return Mono.empty();
			}
			return Mono.fromFuture(this.registry.release(this.registry.state(this.key), this), true);
		});
	}

	@Override
	public String toString() {
		return "LockHold[" + this.key + ", token " + this.token + "]";
	}

}
