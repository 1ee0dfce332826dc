package dev.baton.aop;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import dev.baton.BatonException;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import org.springframework.aop.aspectj.annotation.AspectJProxyFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuardedInvocationTests {

	private final RecordingGuard guard = new RecordingGuard();

	private final Work work = new Work(this.guard);

	private final Work proxy = proxy(this.work, this.guard);

	@Test
	void plainHoldsThePermitWhileTheMethodRunsAndReleasesAfter() {
		assertThat(this.proxy.plain()).isEqualTo(1);
		assertThat(this.guard.held).hasValue(0);
		assertThat(this.guard.released).hasValue(1);
	}

	@Test
	void plainReleasesWhenTheMethodThrows() {
		assertThatThrownBy(this.proxy::plainFailing).isInstanceOf(IllegalStateException.class).hasMessage("boom");
		assertThat(this.guard.held).hasValue(0);
		assertThat(this.guard.released).hasValue(1);
	}

	@Test
	void plainDoesNotRunTheMethodWhenTheGuardRefuses() {
		this.guard.failing("timed out");
		assertThatThrownBy(this.proxy::plain).isInstanceOf(BatonException.class).hasMessage("timed out");
		assertThat(this.work.calls).hasValue(0);
	}

	@Test
	void monoRunsTheMethodOnlyWhenSubscribedAndHoldsUntilItCompletes() {
		Mono<String> mono = this.proxy.mono();
		assertThat(this.work.calls).hasValue(0);
		StepVerifier.create(mono).then(() -> {
			assertThat(this.work.calls).hasValue(1);
			assertThat(this.guard.held).hasValue(1);
			this.work.result.tryEmitValue("done");
		}).expectNext("done").verifyComplete();
		assertThat(this.guard.held).hasValue(0);
		assertThat(this.guard.released).hasValue(1);
	}

	@Test
	void monoReleasesWhenTheMethodThrowsOrErrors() {
		StepVerifier.create(this.proxy.monoThrowing()).verifyErrorMessage("boom");
		StepVerifier.create(this.proxy.mono())
			.then(() -> this.work.result.tryEmitError(new IllegalStateException("late boom")))
			.verifyErrorMessage("late boom");
		assertThat(this.guard.held).hasValue(0);
		assertThat(this.guard.released).hasValue(2);
	}

	@Test
	void monoCancelledWhileWaitingGivesUpTheWaitAndNeverRunsTheMethod() {
		this.guard.gated();
		Disposable subscription = this.proxy.mono().subscribe();
		subscription.dispose();
		assertThat(this.guard.waitCancelled).isTrue();
		this.guard.open();
		assertThat(this.work.calls).hasValue(0);
		assertThat(this.guard.held).hasValue(0);
	}

	@Test
	void monoCancelledWhileRunningReleases() {
		Disposable subscription = this.proxy.mono().subscribe();
		assertThat(this.guard.held).hasValue(1);
		subscription.dispose();
		assertThat(this.guard.held).hasValue(0);
		assertThat(this.guard.released).hasValue(1);
	}

	@Test
	void monoFailsWithTheGuardsErrorWithoutRunningTheMethod() {
		this.guard.failing("timed out");
		StepVerifier.create(this.proxy.mono()).verifyErrorMessage("timed out");
		assertThat(this.work.calls).hasValue(0);
	}

	@Test
	void fluxHoldsUntilTheLastElement() {
		StepVerifier.create(this.proxy.flux(), 1)
			.expectNext(1)
			.then(() -> assertThat(this.guard.held).hasValue(1))
			.thenRequest(1)
			.expectNext(2)
			.verifyComplete();
		assertThat(this.guard.held).hasValue(0);
		assertThat(this.guard.released).hasValue(1);
	}

	@Test
	void fluxReleasesWhenCancelledAndWhenTheMethodThrows() {
		StepVerifier.create(this.proxy.flux().take(1)).expectNext(1).verifyComplete();
		StepVerifier.create(this.proxy.fluxThrowing()).verifyErrorMessage("boom");
		assertThat(this.guard.held).hasValue(0);
		assertThat(this.guard.released).hasValue(2);
	}

	@Test
	void fluxCancelledWhileWaitingGivesUpTheWait() {
		this.guard.gated();
		this.proxy.flux().subscribe().dispose();
		this.guard.open();
		assertThat(this.guard.waitCancelled).isTrue();
		assertThat(this.work.calls).hasValue(0);
		assertThat(this.guard.held).hasValue(0);
	}

	@Test
	void completionStageHoldsUntilTheStageCompletes() {
		CompletableFuture<String> stage = this.proxy.stage().toCompletableFuture();
		assertThat(this.work.calls).hasValue(1);
		assertThat(this.guard.held).hasValue(1);
		this.work.future.complete("done");
		assertThat(stage).isCompletedWithValue("done");
		assertThat(this.guard.held).hasValue(0);
		assertThat(this.guard.released).hasValue(1);
	}

	@Test
	void completionStageReleasesWhenTheMethodThrowsOrTheStageFails() {
		assertThat(this.proxy.stageThrowing().toCompletableFuture()).isCompletedExceptionally();
		CompletableFuture<String> failing = this.proxy.stage().toCompletableFuture();
		this.work.future.completeExceptionally(new IllegalStateException("late boom"));
		assertThat(failing).isCompletedExceptionally();
		assertThat(this.guard.held).hasValue(0);
		assertThat(this.guard.released).hasValue(2);
	}

	@Test
	void completionStageFailsWhenTheGuardRefuses() {
		this.guard.failing("timed out");
		assertThat(this.proxy.stage().toCompletableFuture()).failsWithin(java.time.Duration.ZERO)
			.withThrowableOfType(java.util.concurrent.ExecutionException.class)
			.withCauseInstanceOf(BatonException.class);
		assertThat(this.work.calls).hasValue(0);
	}

	@Test
	void completionStageWaitsForThePermitAndCanBeCancelledMeanwhile() {
		this.guard.gated();
		CompletableFuture<String> waiting = this.proxy.stage().toCompletableFuture();
		assertThat(this.work.calls).hasValue(0);
		waiting.cancel(false);
		assertThat(this.guard.waitCancelled).isTrue();
		this.guard.open();
		assertThat(this.work.calls).hasValue(0);
		assertThat(this.guard.held).hasValue(0);
	}

	private static Work proxy(Work target, Guard guard) {
		AspectJProxyFactory factory = new AspectJProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAspect(new GuardingAspect(guard));
		return factory.getProxy();
	}

	@Aspect
	static class GuardingAspect {

		private final Guard guard;

		GuardingAspect(Guard guard) {
			this.guard = guard;
		}

		@Around("execution(* dev.baton.aop.GuardedInvocationTests.Work.*(..))")
		Object guarded(ProceedingJoinPoint joinPoint) throws Throwable {
			return GuardedInvocation.proceed(joinPoint, ReturnKind.of(GuardedInvocation.targetMethod(joinPoint)),
					this.guard);
		}

	}

	static class Work {

		final AtomicInteger calls = new AtomicInteger();

		final Sinks.One<String> result = Sinks.one();

		final CompletableFuture<String> future = new CompletableFuture<>();

		private final RecordingGuard guard;

		Work(RecordingGuard guard) {
			this.guard = guard;
		}

		public int plain() {
			this.calls.incrementAndGet();
			return this.guard.held.get();
		}

		public int plainFailing() {
			throw new IllegalStateException("boom");
		}

		public Mono<String> mono() {
			this.calls.incrementAndGet();
			return this.result.asMono();
		}

		public Mono<String> monoThrowing() {
			throw new IllegalStateException("boom");
		}

		public Flux<Integer> flux() {
			this.calls.incrementAndGet();
			return Flux.just(1, 2);
		}

		public Flux<Integer> fluxThrowing() {
			throw new IllegalStateException("boom");
		}

		public CompletionStage<String> stage() {
			this.calls.incrementAndGet();
			return this.future;
		}

		public CompletionStage<String> stageThrowing() {
			throw new IllegalStateException("boom");
		}

	}

}
