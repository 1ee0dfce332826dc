package dev.baton.aop;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.baton.BatonException;
import org.aopalliance.intercept.MethodInvocation;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.reflect.MethodSignature;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.aspectj.MethodInvocationProceedingJoinPoint;
import org.springframework.aop.support.AopUtils;
import org.springframework.lang.Nullable;

/**
 * Runs an intercepted method under a {@link Guard}, whatever it returns. This is the one place
 * where Baton's aspects deal with return types; each aspect only builds its guard.
 */
public final class GuardedInvocation {

	private GuardedInvocation() {
	}

	/**
	 * Runs the join point under the guard.
	 * <ul>
	 * <li>{@link ReturnKind#PLAIN}: acquires on the calling thread, proceeds, releases in a
	 * {@code finally}.</li>
	 * <li>{@link ReturnKind#MONO}, {@link ReturnKind#FLUX}: returns a publisher that, per
	 * subscription, acquires without blocking, then invokes the method and subscribes to what it
	 * returns; the permit is released when that publisher completes, errors or is cancelled.
	 * Cancelling while waiting gives up the wait. The method body runs inside the subscription,
	 * on the thread that delivers the permit.</li>
	 * <li>{@link ReturnKind#COMPLETION_STAGE}: acquires without blocking, invokes the method,
	 * releases when its stage completes. A failed acquire completes the returned stage
	 * exceptionally; cancelling the returned future before the permit arrives gives up the
	 * wait.</li>
	 * </ul>
	 * @param joinPoint the intercepted call
	 * @param kind the method's return kind, see {@link ReturnKind#of}
	 * @param guard the permit source for this call
	 * @return what the method returns, or a publisher/stage standing for it
	 * @throws Throwable for plain methods, what the method or the guard throws; an interrupted
	 * wait becomes a {@link BatonException} with the thread's interrupt flag set again
	 */
	public static Object proceed(ProceedingJoinPoint joinPoint, ReturnKind kind, Guard guard) throws Throwable {
		return proceed(joinPoint, kind, guard, null);
	}

	/**
	 * Runs the join point under the guard, and lets {@code policy} answer in the method's place
	 * when the guard's wait runs out (only the guard's: a timeout the method itself throws or
	 * emits is the method's result).
	 */
	static Object proceed(ProceedingJoinPoint joinPoint, ReturnKind kind, Guard guard, @Nullable TimeoutPolicy policy)
			throws Throwable {
		return switch (kind) {
			case PLAIN -> plain(joinPoint, guard, policy);
			case MONO -> {
				Mono<Object> guarded = Mono.usingWhen(permits(guard, policy),
						(permit) -> Mono.defer(() -> Mono.from(invoke(joinPoint))).contextWrite(permit.context()),
						GuardedInvocation::release, (permit, error) -> release(permit), GuardedInvocation::release);
				yield (policy == null) ? guarded : guarded.onErrorResume(TimedOut.class,
						(ex) -> Mono.from(timedOut(joinPoint, kind, policy, ex.getCause())));
			}
			case FLUX -> {
				Flux<Object> guarded = Flux.usingWhen(permits(guard, policy),
						(permit) -> Flux.defer(() -> invoke(joinPoint)).contextWrite(permit.context()),
						GuardedInvocation::release, (permit, error) -> release(permit), GuardedInvocation::release);
				yield (policy == null) ? guarded : guarded.onErrorResume(TimedOut.class,
						(ex) -> timedOut(joinPoint, kind, policy, ex.getCause()));
			}
			case COMPLETION_STAGE -> completionStage(joinPoint, guard, policy);
		};
	}

	/**
	 * A join point for a Spring AOP method invocation, so that {@link GuardAdvisor}'s aspects and
	 * AspectJ-style ones share this class.
	 * @param invocation the intercepted call, as a Spring proxy hands it to an interceptor
	 * @return the join point; {@code proceed()} may be called on any thread, later
	 */
	public static ProceedingJoinPoint joinPoint(MethodInvocation invocation) {
		if (!(invocation instanceof ProxyMethodInvocation proxyInvocation)) {
			throw new IllegalStateException("Baton's aspects run in Spring AOP proxies only, not for " + invocation);
		}
		return new MethodInvocationProceedingJoinPoint(proxyInvocation);
	}

	/** The guard's permit, its timeouts marked so that they are told apart from the method's own. */
	private static Mono<Permit> permits(Guard guard, @Nullable TimeoutPolicy policy) {
		Mono<Permit> permits = guard.acquireAsync();
		return (policy == null) ? permits : permits.onErrorMap(policy::handles, TimedOut::new);
	}

	@SuppressWarnings("unchecked")
	private static Publisher<Object> timedOut(ProceedingJoinPoint joinPoint, ReturnKind kind, TimeoutPolicy policy,
			Throwable timeout) {
		try {
			return (Publisher<Object>) policy.timedOut(joinPoint, kind, timeout);
		}
		catch (Throwable ex) {
			return Mono.error(ex);
		}
	}

	/**
	 * The method a join point invokes, as declared on the target's class (not the interface a
	 * JDK proxy saw): the one whose annotations and parameter names count.
	 * @param joinPoint an intercepted method call
	 * @return the most specific method
	 */
	public static Method targetMethod(ProceedingJoinPoint joinPoint) {
		Method method = ((MethodSignature) joinPoint.getSignature()).getMethod();
		return (joinPoint.getTarget() != null)
				? AopUtils.getMostSpecificMethod(method, AopUtils.getTargetClass(joinPoint.getTarget())) : method;
	}

	private static Object plain(ProceedingJoinPoint joinPoint, Guard guard, @Nullable TimeoutPolicy policy)
			throws Throwable {
		Permit permit;
		try {
			permit = guard.acquire();
		}
		catch (RuntimeException ex) {
			if (policy != null && policy.handles(ex)) {
				return policy.timedOut(joinPoint, ReturnKind.PLAIN, ex);
			}
			throw ex;
		}
		catch (InterruptedException ex) {
			// The intercepted method rarely declares InterruptedException; keep the flag, fail unchecked.
			Thread.currentThread().interrupt();
			throw new BatonException("Interrupted while waiting for a permit to run "
					+ MethodLabel.describe(targetMethod(joinPoint)), ex);
		}
		try (permit) {
			return joinPoint.proceed();
		}
	}

	private static CompletableFuture<Object> completionStage(ProceedingJoinPoint joinPoint, Guard guard,
			@Nullable TimeoutPolicy policy) {
		CompletableFuture<Object> result = new CompletableFuture<>();
		Disposable acquisition = guard.acquireAsync()
			.subscribe((permit) -> runHolding(joinPoint, permit, result), (error) -> {
				if (policy != null && policy.handles(error)) {
					completeWith(result, timedOutStage(joinPoint, policy, error));
				}
				else {
					result.completeExceptionally(error);
				}
			});
		// Only a pending wait is given up: once the method runs, its own stage decides the release.
		result.whenComplete((value, error) -> {
			if (result.isCancelled()) {
				acquisition.dispose();
			}
		});
		return result;
	}

	private static void runHolding(ProceedingJoinPoint joinPoint, Permit permit, CompletableFuture<Object> result) {
		CompletionStage<?> stage;
		try {
			stage = (CompletionStage<?>) joinPoint.proceed();
		}
		catch (Throwable ex) {
			permit.close();
			result.completeExceptionally(ex);
			return;
		}
		if (stage == null) {
			permit.close();
			result.complete(null);
			return;
		}
		stage.whenComplete((value, error) -> {
			permit.close();
			if (error != null) {
				result.completeExceptionally(error);
			}
			else {
				result.complete(value);
			}
		});
	}

	private static CompletionStage<?> timedOutStage(ProceedingJoinPoint joinPoint, TimeoutPolicy policy,
			Throwable timeout) {
		try {
			CompletionStage<?> stage = (CompletionStage<?>) policy.timedOut(joinPoint, ReturnKind.COMPLETION_STAGE,
					timeout);
			return (stage != null) ? stage : CompletableFuture.completedFuture(null);
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private static void completeWith(CompletableFuture<Object> result, CompletionStage<?> stage) {
		stage.whenComplete((value, error) -> {
			if (error != null) {
				result.completeExceptionally(error);
			}
			else {
				result.complete(value);
			}
		});
	}

	private static Publisher<?> invoke(ProceedingJoinPoint joinPoint) {
		try {
			Object returned = joinPoint.proceed();
			return (returned != null) ? (Publisher<?>) returned : Mono.empty();
		}
		catch (Throwable ex) {
			return Mono.error(ex);
		}
	}

	private static Mono<Void> release(Permit permit) {
		return Mono.fromRunnable(permit::close);
	}

	/** The guard's timeout on its way through the method's pipeline; never seen outside this class. */
	private static final class TimedOut extends RuntimeException {

		TimedOut(Throwable timeout) {
			super(null, timeout, false, false);
		}

	}

}
