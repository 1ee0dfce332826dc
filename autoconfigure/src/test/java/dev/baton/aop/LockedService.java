package dev.baton.aop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.annotation.DistributedLock;
import dev.baton.lock.LockContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A service as a user would write one, to drive the {@code @DistributedLock} aspect. */
public class LockedService {

	final AtomicInteger inside = new AtomicInteger();

	final AtomicInteger maxInside = new AtomicInteger();

	final List<Long> tokens = new CopyOnWriteArrayList<>();

	@DistributedLock(key = "'item:' + #id", waitTime = "100ms", name = "plain")
	public long plain(String id, Duration work) throws InterruptedException {
		enter();
		try {
			Thread.sleep(work.toMillis());
			long token = LockContext.fencingToken().orElseThrow();
			this.tokens.add(token);
			return token;
		}
		finally {
			this.inside.decrementAndGet();
		}
	}

	@DistributedLock(keys = { "#first", "#second" }, waitTime = "10s")
	public String both(String first, String second) {
		enter();
		try {
			return first + second;
		}
		finally {
			this.inside.decrementAndGet();
		}
	}

	@DistributedLock(key = "#id", waitTime = "30s")
	public Mono<Integer> reactive(String id) {
		return Mono.fromCallable(this::enter)
			.delayElement(Duration.ofMillis(1))
			.doOnNext((n) -> this.inside.decrementAndGet());
	}

	@DistributedLock(key = "'token:' + #id", waitTime = "10s")
	public Mono<Long> reactiveToken(String id) {
		return LockContext.reactiveFencingToken();
	}

	@DistributedLock(key = "#id", waitTime = "10s")
	public Flux<Integer> stream(String id) {
		// doOnTerminate, not doFinally: the section ends before the lock hears of the completion.
		return Flux.range(0, 3).doOnSubscribe((s) -> enter()).doOnTerminate(this.inside::decrementAndGet);
	}

	@DistributedLock(key = "#id", waitTime = "10s")
	public CompletionStage<Integer> async(String id) {
		int n = enter();
		return CompletableFuture.supplyAsync(() -> n).whenComplete((v, e) -> this.inside.decrementAndGet());
	}

	public int maxInside() {
		return this.maxInside.get();
	}

	public List<Long> tokens() {
		return this.tokens;
	}

	private int enter() {
		int now = this.inside.incrementAndGet();
		this.maxInside.accumulateAndGet(now, Math::max);
		return now;
	}

}
