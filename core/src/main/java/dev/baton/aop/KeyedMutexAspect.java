package dev.baton.aop;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.baton.annotation.KeyedMutex;
import dev.baton.mutex.KeyedMutexPool;
import dev.baton.mutex.MutexPermit;
import dev.baton.mutex.MutexTimeoutException;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import reactor.core.publisher.Mono;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.Order;

/**
 * Applies {@link KeyedMutex}: resolves the key, takes the key's mutex from the
 * {@link KeyedMutexPool}, runs the method, gives the mutex back. The outermost of Baton's
 * aspects ({@link BatonAspectOrder#KEYED_MUTEX}).
 */
@Aspect
@Order(BatonAspectOrder.KEYED_MUTEX)
public final class KeyedMutexAspect {

	private final KeyedMutexPool pool;

	private final KeyExpressionEvaluator keys;

	private final DurationAttribute durations;

	private final Duration defaultWait;

	private final Map<Method, MutexMethod> methods = new ConcurrentHashMap<>();

	/**
	 * @param pool the mutexes
	 * @param keys evaluates {@link KeyedMutex#key()}
	 * @param durations reads {@link KeyedMutex#waitTime()}
	 * @param defaultWait the wait when the annotation does not set one
	 */
	public KeyedMutexAspect(KeyedMutexPool pool, KeyExpressionEvaluator keys, DurationAttribute durations,
			Duration defaultWait) {
		this.pool = pool;
		this.keys = keys;
		this.durations = durations;
		this.defaultWait = defaultWait;
	}

	@Around("@annotation(dev.baton.annotation.KeyedMutex)")
	public Object guard(ProceedingJoinPoint joinPoint) throws Throwable {
		Method method = GuardedInvocation.targetMethod(joinPoint);
		MutexMethod mutex = this.methods.computeIfAbsent(method, this::mutexMethod);
		String key = this.keys.evaluate(method, mutex.keyExpression(), joinPoint.getArgs(), joinPoint.getTarget());
		return GuardedInvocation.proceed(joinPoint, mutex.kind(), new MutexGuard(mutex.pool(), key, mutex.waitTime()));
	}

	private MutexMethod mutexMethod(Method method) {
		KeyedMutex annotation = AnnotatedElementUtils.findMergedAnnotation(method, KeyedMutex.class);
		if (annotation == null) {
			throw new IllegalStateException("No @KeyedMutex found on " + MethodLabel.describe(method));
		}
		String name = MethodLabel.name(method, annotation.name());
		Duration wait = this.durations.resolve(method, "waitTime", annotation.waitTime());
		return new MutexMethod(this.pool.named(name), annotation.key(), (wait != null) ? wait : this.defaultWait,
				ReturnKind.of(method));
	}

	private record MutexMethod(KeyedMutexPool pool, String keyExpression, Duration waitTime, ReturnKind kind) {
	}

	private record MutexGuard(KeyedMutexPool pool, String key, Duration waitTime) implements Guard {

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
			return new MutexTimeoutException(this.pool.getName(), this.key, this.waitTime);
		}

	}

}
