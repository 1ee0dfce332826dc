package dev.baton.aop;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import dev.baton.WaitRecorder;
import dev.baton.annotation.DistributedLock;
import dev.baton.lock.DistributedLockRegistry;
import dev.baton.lock.LockObserver;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;

import org.springframework.core.annotation.Order;

/**
 * Runs {@link DistributedLock @DistributedLock} methods holding their locks: resolve the keys,
 * acquire, proceed, release. Return types are {@link GuardedInvocation}'s business.
 */
@Aspect
@Order(BatonAspectOrder.DISTRIBUTED_LOCK)
public final class DistributedLockAspect {

	private final DistributedLockRegistry registry;

	private final KeyExpressionEvaluator expressions;

	private final DurationAttribute durations;

	private final Duration defaultWait;

	private final LockObserver observer;

	private final Map<Method, LockSpec> specs = new ConcurrentHashMap<>();

	/**
	 * @param defaultWait the wait of methods whose annotation sets none
	 */
	public DistributedLockAspect(DistributedLockRegistry registry, KeyExpressionEvaluator expressions,
			DurationAttribute durations, Duration defaultWait, LockObserver observer) {
		this.registry = registry;
		this.expressions = expressions;
		this.durations = durations;
		this.defaultWait = defaultWait;
		this.observer = observer;
	}

	@Around("@annotation(annotation)")
	public Object lock(ProceedingJoinPoint joinPoint, DistributedLock annotation) throws Throwable {
		Method method = GuardedInvocation.targetMethod(joinPoint);
		LockSpec spec = this.specs.computeIfAbsent(method, (m) -> spec(m, annotation));
		TreeSet<String> keys = new TreeSet<>();
		for (String expression : spec.expressions()) {
			keys.add(this.expressions.evaluate(method, expression, joinPoint.getArgs(), joinPoint.getTarget()));
		}
		return GuardedInvocation.proceed(joinPoint, spec.kind(),
				new LockGuard(this.registry, spec.recorder(), spec.name(), List.copyOf(keys), spec.waitTime(), spec.lease()));
	}

	private LockSpec spec(Method method, DistributedLock annotation) {
		Duration wait = this.durations.resolve(method, "waitTime", annotation.waitTime());
		String name = MethodLabel.name(method, annotation.name());
		return new LockSpec(name, expressions(annotation), (wait != null) ? wait : this.defaultWait,
				this.durations.resolve(method, "leaseTime", annotation.leaseTime()), ReturnKind.of(method),
				this.observer.recorder(name));
	}

	static List<String> expressions(DistributedLock annotation) {
		return annotation.key().isEmpty() ? Arrays.asList(annotation.keys()) : List.of(annotation.key());
	}

	private record LockSpec(String name, List<String> expressions, Duration waitTime, Duration lease, ReturnKind kind,
			WaitRecorder recorder) {
	}

}
