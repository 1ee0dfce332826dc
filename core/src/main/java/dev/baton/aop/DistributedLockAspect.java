package dev.baton.aop;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.baton.WaitRecorder;
import dev.baton.annotation.DistributedLock;
import dev.baton.annotation.OnTimeout;
import dev.baton.lock.DistributedLockRegistry;
import dev.baton.lock.LockAcquisitionException;
import dev.baton.lock.LockObserver;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.aspectj.lang.ProceedingJoinPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.expression.AnnotatedElementKey;
import org.springframework.lang.Nullable;

/**
 * Runs {@link DistributedLock @DistributedLock} methods holding their locks: check the
 * condition, resolve the keys, acquire, proceed, release; a wait that runs out goes to the
 * method's {@link OnTimeout} policy. Return types are {@link GuardedInvocation}'s business;
 * {@link GuardAdvisor} applies this aspect wherever the annotation is found.
 */
public final class DistributedLockAspect implements MethodInterceptor, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(DistributedLockAspect.class);

	private final DistributedLockRegistry registry;

	private final KeyExpressionEvaluator expressions;

	private final DurationAttribute durations;

	private final Duration defaultWait;

	private final OnTimeout defaultOnTimeout;

	private final LockObserver observer;

	private final Map<AnnotatedElementKey, LockSpec> specs = new ConcurrentHashMap<>();

	private final MinimumHold minimumHold = new MinimumHold();

	/**
	 * @param defaultWait the wait of methods whose annotation sets none
	 * @param defaultOnTimeout the policy of methods whose annotation sets none: {@code THROW} or {@code SKIP}
	 */
	public DistributedLockAspect(DistributedLockRegistry registry, KeyExpressionEvaluator expressions,
			DurationAttribute durations, Duration defaultWait, OnTimeout defaultOnTimeout, LockObserver observer) {
		this.registry = registry;
		this.expressions = expressions;
		this.durations = durations;
		this.defaultWait = defaultWait;
		this.defaultOnTimeout = TimeoutPolicy.defaultPolicy("lock", defaultOnTimeout);
		this.observer = observer;
	}

	/** With {@link OnTimeout#THROW} as the default policy. */
	public DistributedLockAspect(DistributedLockRegistry registry, KeyExpressionEvaluator expressions,
			DurationAttribute durations, Duration defaultWait, LockObserver observer) {
		this(registry, expressions, durations, defaultWait, OnTimeout.THROW, observer);
	}

	@Override
	@Nullable
	public Object invoke(MethodInvocation invocation) throws Throwable {
		ProceedingJoinPoint joinPoint = GuardedInvocation.joinPoint(invocation);
		Method method = GuardedInvocation.targetMethod(joinPoint);
		Class<?> beanClass = AopUtils.getTargetClass(joinPoint.getTarget());
		LockSpec spec = this.specs.computeIfAbsent(new AnnotatedElementKey(method, beanClass),
				(key) -> spec(method, beanClass));
		Object[] args = joinPoint.getArgs();
		if (spec.condition() != null
				&& !this.expressions.condition(method, spec.condition(), args, joinPoint.getTarget())) {
			return joinPoint.proceed();
		}
		TreeSet<String> keys = new TreeSet<>();
		for (String expression : spec.expressions()) {
			keys.add(this.expressions.evaluate(method, expression, args, joinPoint.getTarget()));
		}
		LockGuard guard = new LockGuard(this.registry, spec.recorder(), spec.name(), List.copyOf(keys), spec.waitTime(),
				spec.lease(), spec.onTimeout().outcome(), spec.holdAtLeast(), this.minimumHold, spec.asksForToken());
		return GuardedInvocation.proceed(joinPoint, spec.kind(), guard, spec.onTimeout());
	}

	/**
	 * Cancels the releases still waiting for their {@code holdAtLeast}: those locks expire with
	 * their lease instead, so that no other instance runs the method again within the minimum.
	 */
	@Override
	public void destroy() {
		int left = this.minimumHold.cancelPending();
		if (left > 0) {
			logger.info("Left {} lock(s) within their holdAtLeast to expire with their lease", left);
		}
	}

	private LockSpec spec(Method method, Class<?> beanClass) {
		DistributedLock annotation = GuardedMethods.find(method, beanClass, DistributedLock.class);
		if (annotation == null) {
			throw new IllegalStateException("No @DistributedLock found on " + MethodLabel.describe(method));
		}
		Duration wait = this.durations.resolve(method, "waitTime", annotation.waitTime());
		String name = MethodLabel.name(method, annotation.name());
		return new LockSpec(name, expressions(annotation), (wait != null) ? wait : this.defaultWait,
				this.durations.resolve(method, "leaseTime", annotation.leaseTime()),
				positive(this.durations.resolve(method, "holdAtLeast", annotation.holdAtLeast())),
				annotation.condition().isEmpty() ? null : annotation.condition(), ReturnKind.of(method),
				timeoutPolicy(method, beanClass, annotation, this.defaultOnTimeout), this.observer.recorder(name),
				new AtomicBoolean());
	}

	@Nullable
	private static Duration positive(@Nullable Duration duration) {
		return (duration != null && !duration.isZero()) ? duration : null;
	}

	static List<String> expressions(DistributedLock annotation) {
		return annotation.key().isEmpty() ? Arrays.asList(annotation.keys()) : List.of(annotation.key());
	}

	static TimeoutPolicy timeoutPolicy(Method method, Class<?> beanClass, DistributedLock annotation,
			OnTimeout defaultPolicy) {
		return TimeoutPolicy.of("DistributedLock", method, beanClass, annotation.onTimeout(), annotation.fallback(),
				defaultPolicy, LockAcquisitionException.class);
	}

	private record LockSpec(String name, List<String> expressions, Duration waitTime, Duration lease,
			@Nullable Duration holdAtLeast, @Nullable String condition, ReturnKind kind, TimeoutPolicy onTimeout,
			WaitRecorder recorder, AtomicBoolean asksForToken) {
	}

}
