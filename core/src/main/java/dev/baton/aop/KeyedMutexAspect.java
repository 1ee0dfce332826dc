package dev.baton.aop;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.baton.WaitObserver.Outcome;
import dev.baton.annotation.KeyedMutex;
import dev.baton.annotation.OnTimeout;
import dev.baton.mutex.KeyedMutexPool;
import dev.baton.mutex.MutexObserver;
import dev.baton.mutex.MutexPermit;
import dev.baton.mutex.MutexTimeoutException;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.aspectj.lang.ProceedingJoinPoint;
import reactor.core.publisher.Mono;

import org.springframework.aop.support.AopUtils;
import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.lang.Nullable;

/**
 * Applies {@link KeyedMutex}: checks the condition, resolves the key, takes the key's mutex
 * from the {@link KeyedMutexPool}, runs the method, gives the mutex back; a wait that runs out
 * goes to the method's {@link OnTimeout} policy. The outermost of Baton's aspects
 * ({@link BatonAspectOrder#KEYED_MUTEX}), applied by {@link GuardAdvisor}.
 */
public final class KeyedMutexAspect implements MethodInterceptor {

	private final KeyedMutexPool pool;

	private final KeyExpressionEvaluator keys;

	private final DurationAttribute durations;

	private final Duration defaultWait;

	private final OnTimeout defaultOnTimeout;

	private final MutexObserver observer;

	private final Map<AnnotatedElementKey, MutexMethod> methods = new ConcurrentHashMap<>();

	/**
	 * @param pool the mutexes
	 * @param keys evaluates {@link KeyedMutex#key()} and {@link KeyedMutex#condition()}
	 * @param durations reads {@link KeyedMutex#waitTime()}
	 * @param defaultWait the wait when the annotation does not set one
	 * @param defaultOnTimeout the policy when the annotation does not set one: {@code THROW} or {@code SKIP}
	 * @param observer counts calls that a timeout policy skipped or sent to their fallback
	 * (outcome {@code skipped}, {@code fallback}); the pool counts the wait itself
	 */
	public KeyedMutexAspect(KeyedMutexPool pool, KeyExpressionEvaluator keys, DurationAttribute durations,
			Duration defaultWait, OnTimeout defaultOnTimeout, MutexObserver observer) {
		this.pool = pool;
		this.keys = keys;
		this.durations = durations;
		this.defaultWait = defaultWait;
		this.defaultOnTimeout = TimeoutPolicy.defaultPolicy("mutex", defaultOnTimeout);
		this.observer = observer;
	}

	/** With {@link OnTimeout#THROW} as the default policy. */
	public KeyedMutexAspect(KeyedMutexPool pool, KeyExpressionEvaluator keys, DurationAttribute durations,
			Duration defaultWait) {
		this(pool, keys, durations, defaultWait, OnTimeout.THROW, MutexObserver.NONE);
	}

	@Override
	@Nullable
	public Object invoke(MethodInvocation invocation) throws Throwable {
		ProceedingJoinPoint joinPoint = GuardedInvocation.joinPoint(invocation);
		Method method = GuardedInvocation.targetMethod(joinPoint);
		Class<?> beanClass = AopUtils.getTargetClass(joinPoint.getTarget());
		MutexMethod mutex = this.methods.computeIfAbsent(new AnnotatedElementKey(method, beanClass),
				(key) -> mutexMethod(method, beanClass));
		Object[] args = joinPoint.getArgs();
		if (mutex.condition() != null && !this.keys.condition(method, mutex.condition(), args, joinPoint.getTarget())) {
			return joinPoint.proceed();
		}
		String key = this.keys.evaluate(method, mutex.keyExpression(), args, joinPoint.getTarget());
		return GuardedInvocation.proceed(joinPoint, mutex.kind(),
				new MutexGuard(mutex.pool(), key, mutex.waitTime(), mutex.onTimeout().outcome(), this.observer),
				mutex.onTimeout());
	}

	private MutexMethod mutexMethod(Method method, Class<?> beanClass) {
		KeyedMutex annotation = GuardedMethods.find(method, beanClass, KeyedMutex.class);
		if (annotation == null) {
			throw new IllegalStateException("No @KeyedMutex found on " + MethodLabel.describe(method));
		}
		String name = MethodLabel.name(method, annotation.name());
		Duration wait = this.durations.resolve(method, "waitTime", annotation.waitTime());
		return new MutexMethod(this.pool.named(name), annotation.key(), (wait != null) ? wait : this.defaultWait,
				annotation.condition().isEmpty() ? null : annotation.condition(), ReturnKind.of(method),
				timeoutPolicy(method, beanClass, annotation, this.defaultOnTimeout));
	}

	static TimeoutPolicy timeoutPolicy(Method method, Class<?> beanClass, KeyedMutex annotation,
			OnTimeout defaultPolicy) {
		return TimeoutPolicy.of("KeyedMutex", method, beanClass, annotation.onTimeout(), annotation.fallback(),
				defaultPolicy, MutexTimeoutException.class);
	}

	private record MutexMethod(KeyedMutexPool pool, String keyExpression, Duration waitTime,
			@Nullable String condition, ReturnKind kind, TimeoutPolicy onTimeout) {
	}

	private record MutexGuard(KeyedMutexPool pool, String key, Duration waitTime, Outcome timeoutOutcome,
			MutexObserver observer) implements Guard {

		@Override
		public Permit acquire() throws InterruptedException {
			MutexPermit permit = this.pool.tryLock(this.key, this.waitTime).orElseThrow(this::timeout);
			return permit::close;
		}

		@Override
		public Mono<Permit> acquireAsync() {
			return this.pool.tryLockAsync(this.key, this.waitTime)
				.switchIfEmpty(Mono.error(this::timeout))
				.<Permit>map((permit) -> permit::close);
		}

		private MutexTimeoutException timeout() {
			if (this.timeoutOutcome != Outcome.TIMEOUT) {
				this.observer.waited(this.pool.getName(), this.timeoutOutcome, this.waitTime.toNanos());
			}
			return new MutexTimeoutException(this.pool.getName(), this.key, this.waitTime);
		}

	}

}
