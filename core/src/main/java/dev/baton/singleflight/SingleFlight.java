package dev.baton.singleflight;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.baton.Observed;
import dev.baton.redis.DeadlineTimer;
import dev.baton.redis.RedisKeyspace;
import dev.baton.redis.RedisPubSubHub;
import dev.baton.singleflight.ClusterFlights.Found;
import dev.baton.singleflight.ClusterFlights.Lead;
import dev.baton.singleflight.ClusterFlights.Resolution;
import dev.baton.singleflight.SingleFlightObserver.Outcome;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

/**
 * Runs a loader once per key across every instance and shares its result. Fastest path first:
 * <ol>
 * <li>this JVM's cache (L1, Caffeine, {@code localTtl});</li>
 * <li>a flight of the same key already running in this JVM: its callers share one result;</li>
 * <li>the result stored in Redis (L2, {@code ttl}), as JSON for the declared type;</li>
 * <li>leader election: one caller in the cluster wins a renewed Redis lease and runs the
 * loader, stores the result and notifies through pub/sub; the others wait for that
 * notification, not polling, and read the result. When the leader dies its lease lapses and
 * one waiter takes over.</li>
 * </ol>
 * No caller waits longer than its wait timeout for a result it does not compute: it then gets
 * {@link SingleFlightTimeoutException}. A loader's exception reaches its callers in this JVM as
 * that same exception (checked ones wrapped in {@link SingleFlightException} by
 * {@link #execute}); callers on other instances get a {@link SingleFlightException} carrying its
 * type and message. Failures are stored for later callers only when {@code errorTtl} is
 * positive. Redis failing is a {@link SingleFlightException}, never a hang.
 * <pre>{@code
 * SingleFlight flights = SingleFlight.builder().redis(connectionFactory).build();
 * Product product = flights.execute("product:" + sku, FlightOptions.of(Product.class), () -> repository.load(sku));
 * }</pre>
 * Without {@link SingleFlightBuilder#redis} it works inside this JVM only (L1 and coalescing).
 * Results are kept per flight name ({@link FlightOptions#name()}) and key, as {@code @Cacheable}
 * keeps them per cache name: flights of different names never share a result. Within one name,
 * use one key for one result type: a caller asking for another type does not get the L1 copy,
 * and a coalesced caller of another type gets a {@code ClassCastException}. A loader runs at
 * most {@code maxFlightTime}; past it the flight is abandoned (see
 * {@link SingleFlightBuilder#maxFlightTime}). When Redis cannot be reached, a call fails or runs
 * locally ({@link OnStoreFailure}), and the store timeout is paid once per outage.
 */
public final class SingleFlight implements AutoCloseable {

	static final String FEATURE = "singleflight";

	private final RedisKeyspace keyspace;

	private final ValueCodec codec;

	private final ClusterFlights cluster;

	private final LocalCache local;

	private final SingleFlightObserver observer;

	private final FlightDefaults defaults;

	private final RedisPubSubHub ownHub;

	private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();

	SingleFlight(RedisKeyspace keyspace, FlightStore store, ValueCodec codec, LocalCache local,
			SingleFlightObserver observer, FlightDefaults defaults, RedisPubSubHub ownHub) {
		this.keyspace = keyspace;
		this.codec = codec;
		this.local = local;
		this.observer = observer;
		this.defaults = defaults;
		this.ownHub = ownHub;
		this.cluster = new ClusterFlights(store, observer, defaults);
		store.onForget(this::forgotten);
	}

	/** A builder: in-JVM only until {@link SingleFlightBuilder#redis} is given. */
	public static SingleFlightBuilder builder() {
		return new SingleFlightBuilder();
	}

	/**
	 * Returns the key's result, running {@code loader} on the calling thread if this caller
	 * leads. Blocks; do not call it on a non-blocking (Reactor) thread.
	 * @param key the flight's key, any text
	 * @param options the result type and any overrides
	 * @param loader computes the result; may return {@code null}
	 * @return the result, possibly {@code null}
	 * @throws SingleFlightTimeoutException when someone else's result did not come within the wait timeout
	 * @throws SingleFlightException when the leader on another instance failed, Redis failed, or the
	 * loader threw a checked exception (the cause)
	 * @throws RuntimeException the loader's own unchecked exception, when it ran in this JVM
	 */
	@SuppressWarnings("unchecked")
	public <T> T execute(String key, FlightOptions<T> options, Callable<? extends T> loader) {
		FlightCall call = call(key, options);
		Settled settled = cached(call);
		Observed observed = Observed.NONE;
		if (settled == null) {
			observed = this.observer.started(call.name(), key);
			Flight flight = new Flight();
			Flight running = this.flights.putIfAbsent(call.storeKey(), flight);
			settled = (running != null) ? await(call, running.join()) : leadBlocking(call, flight, loader);
		}
		report(call, settled, observed);
		if (settled.error() == null) {
			return (T) settled.value();
		}
		throw unchecked(call, settled.error());
	}

	/**
	 * Like {@link #execute}, without blocking: {@code loader} is called on a worker thread if this
	 * caller leads, and the returned future completes with the result or the exception. Cancelling
	 * the future stops this caller's wait only: the flight goes on for its other callers.
	 */
	public <T> CompletableFuture<T> executeAsync(String key, FlightOptions<T> options,
			Supplier<? extends CompletionStage<? extends T>> loader) {
		return executeReactive(key, options,
				() -> Mono.<T>fromCompletionStage(loader).subscribeOn(Schedulers.boundedElastic()))
			.toFuture();
	}

	/**
	 * Like {@link #execute}, reactively: per subscription, emits the result (empty for
	 * {@code null}) or the error. If this subscriber leads, {@code loader}'s {@code Mono} is
	 * subscribed with its context; cancelling stops this subscriber's wait only, the flight goes
	 * on for its other callers. Never blocks.
	 */
	public <T> Mono<T> executeReactive(String key, FlightOptions<T> options,
			Supplier<? extends Mono<? extends T>> loader) {
		return Mono.deferContextual((context) -> {
			FlightCall call = call(key, options);
			Settled settled = cached(call);
			if (settled != null) {
				return emit(call, settled, Observed.NONE);
			}
			Observed observed = this.observer.started(call.name(), key);
			Flight flight = new Flight();
			Flight running = this.flights.putIfAbsent(call.storeKey(), flight);
			if (running != null) {
				return Mono.fromFuture(running.join().result, true)
					.map(Settled::coalesced)
					.timeout(Duration.ofNanos(Math.max(call.remainingNanos(), 0)),
							Mono.fromSupplier(() -> Settled.failure(call.timeout(), true, Duration.ZERO)))
					.flatMap((outcome) -> this.<T>emit(call, outcome, observed))
					.doOnCancel(() -> observed.end("cancelled", null));
			}
			leadReactive(call, flight, loader, context);
			return Mono.fromFuture(flight.result, true)
				.flatMap((outcome) -> this.<T>emit(call, outcome, observed))
				.doOnCancel(() -> observed.end("cancelled", null));
		});
	}

	/**
	 * Forgets the key's result in flights named {@link FlightOptions#DEFAULT_NAME} (those whose
	 * options set no name): see {@link #forget(String, String)}.
	 * @throws SingleFlightException when Redis failed
	 */
	public void forget(String key) {
		forget(key, FlightOptions.DEFAULT_NAME);
	}

	/**
	 * Forgets the key's result in the flights of this name (results are kept per name and key;
	 * a {@code @SingleFlight} method's name is its {@code name} attribute, else
	 * {@code SimpleClassName.method}): deletes it from Redis and tells every instance to drop its
	 * local copy. A flight of the key that started before is not stopped, but its result is not
	 * stored or kept anywhere: only its own callers get it, and the next call runs the loader again.
	 * @throws SingleFlightException when Redis failed
	 */
	public void forget(String key, String name) {
		FlightCall call = call(key, FlightOptions.of(Object.class).named(name));
		forgotten(call.storeKey());
		this.cluster.forget(call).block();
	}

	/** How many callers joined the key's flight running in this JVM, its first aside (for tests and diagnostics). */
	int joined(String key) {
		Flight flight = this.flights.get(storeKey(key, FlightOptions.DEFAULT_NAME));
		return (flight != null) ? flight.joined.get() : 0;
	}

	/** Whether this JVM waits for another instance's leader of the key now (for tests and diagnostics). */
	boolean isFollowing(String key) {
		return this.cluster.isFollowing(storeKey(key, FlightOptions.DEFAULT_NAME));
	}

	/** Flights running in this JVM and pending wake-ups from Redis (for tests and diagnostics). */
	int[] pending() {
		return new int[] { this.flights.size(), this.cluster.pendingSignals() };
	}

	/**
	 * Where a flight's result is kept, in Redis and in this JVM: {@code <prefix>:singleflight:<name>:{<key>}},
	 * scoped by name as {@code @Cacheable} is by cache name. The name's '%', '{' and '}' are
	 * percent-encoded, so that the braces hold the user key alone (its Redis Cluster hash tag).
	 */
	String storeKey(String key, String name) {
		String scope = name.replace("%", "%25").replace("{", "%7B").replace("}", "%7D");
		return this.keyspace.key(FEATURE + ':' + scope, key);
	}

	/** The key was forgotten (here or on another instance): drop the local copy, and let no running flight keep one. */
	private void forgotten(String storeKey) {
		Flight running = this.flights.remove(storeKey);
		if (running != null) {
			running.forgotten = true;
		}
		this.local.invalidate(storeKey);
	}

	@Override
	public void close() throws Exception {
		if (this.ownHub != null) {
			this.ownHub.destroy();
		}
	}

	private FlightCall call(String key, FlightOptions<?> options) {
		FlightDefaults d = this.defaults;
		return new FlightCall(key, storeKey(key, options.name()), options.name(), this.codec.type(options.type()),
				or(options.ttl(), d.ttl()), or(options.localTtl(), d.localTtl()),
				or(options.waitTimeout(), d.waitTimeout()),
				(options.cacheNulls() != null) ? options.cacheNulls() : d.cacheNulls(),
				or(options.errorTtl(), d.errorTtl()), or(options.maxFlightTime(), d.maxFlightTime()),
				(options.onStoreFailure() != null) ? options.onStoreFailure() : d.onStoreFailure(), System.nanoTime());
	}

	private Settled cached(FlightCall call) {
		LocalCache.Entry entry = this.local.get(call.storeKey());
		if (entry == null || !entry.type().equals(call.type())) {
			return null;
		}
		return (entry.error() != null) ? Settled.failure(entry.error(), false, Duration.ZERO)
				: Settled.value(entry.value(), Outcome.L1_HIT, false, Duration.ZERO);
	}

	private Settled leadBlocking(FlightCall call, Flight flight, Callable<?> loader) {
		Settled settled = cached(call);
		if (settled == null) {
			try {
				Resolution resolution = this.cluster.contend(call).block();
				settled = (resolution instanceof Found found) ? found.settled()
						: runBlocking(call, flight, (Lead) resolution, loader);
			}
			catch (RuntimeException ex) {
				settled = Settled.failure(Exceptions.unwrap(ex), true, Duration.ZERO);
			}
		}
		return land(call, flight, settled);
	}

	private Settled runBlocking(FlightCall call, Flight flight, Lead lead, Callable<?> loader) {
		this.observer.executed(call.name());
		// The loader runs on the caller's thread and is not interrupted: past the maximum flight
		// time its flight's other callers are answered, and what it returns later is discarded.
		CompletableFuture<Void> deadline = DeadlineTimer.expire(new CompletableFuture<>(), call.maxFlightTime());
		deadline.whenComplete((done, expired) -> {
			if (expired != null && this.cluster.abandon(call, lead)) {
				land(call, flight, Settled.failure(call.abandoned(), false, Duration.ZERO));
			}
		});
		Object value = null;
		Throwable error = null;
		try {
			value = loader.call();
		}
		catch (Throwable ex) {
			error = ex;
		}
		finally {
			deadline.complete(null);
		}
		return this.cluster.finish(call, lead, value, error).block();
	}

	private void leadReactive(FlightCall call, Flight flight, Supplier<? extends Mono<?>> loader, ContextView context) {
		Mono.defer(() -> {
			Settled cached = cached(call);
			return (cached != null) ? Mono.just(cached)
					: this.cluster.contend(call).flatMap((resolution) -> (resolution instanceof Found found)
							? Mono.just(found.settled()) : runReactive(call, (Lead) resolution, loader));
		})
			.onErrorResume((ex) -> Mono.just(Settled.failure(ex, true, Duration.ZERO)))
			.contextWrite(context)
			.subscribe((settled) -> land(call, flight, settled));
	}

	private Mono<Settled> runReactive(FlightCall call, Lead lead, Supplier<? extends Mono<?>> loader) {
		this.observer.executed(call.name());
		// Past the maximum flight time the loader's subscription is cancelled (the deadline's timeout).
		return DeadlineTimer.within(Mono.defer(loader).materialize(), call.maxFlightTime())
			.flatMap((signal) -> this.cluster.finish(call, lead, signal.get(), signal.getThrowable()))
			.onErrorResume(TimeoutException.class, (ex) -> {
				this.cluster.abandon(call, lead);
				return Mono.just(Settled.failure(call.abandoned(), false, Duration.ZERO));
			});
	}

	/**
	 * Publishes a flight's outcome to this JVM, once (a flight abandoned at its maximum flight
	 * time keeps that outcome): L1 first, so no caller misses both it and the flight.
	 * @return the flight's outcome
	 */
	private Settled land(FlightCall call, Flight flight, Settled settled) {
		if (!flight.landed.compareAndSet(null, settled)) {
			return flight.landed.get();
		}
		if (!settled.localLifetime().isZero() && !flight.forgotten) {
			this.local.put(call.storeKey(),
					new LocalCache.Entry(call.type(), settled.value(), settled.error(), settled.localLifetime()));
		}
		if (DeadlineTimer.isTimerThread()) {
			// A deadline ended the flight: its callers' continuations (a Mono's subscribers, a
			// future's dependents) must not run on the one timer thread every deadline needs.
			Schedulers.boundedElastic().schedule(() -> flight.result.complete(settled));
		}
		else {
			flight.result.complete(settled);
		}
		this.flights.remove(call.storeKey(), flight);
		return settled;
	}

	private Settled await(FlightCall call, Flight running) {
		try {
			return running.result.get(Math.max(call.remainingNanos(), 0), TimeUnit.NANOSECONDS).coalesced();
		}
		catch (TimeoutException ex) {
			return Settled.failure(call.timeout(), true, Duration.ZERO);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Settled.failure(new SingleFlightException("Flight " + call.name() + " '" + call.key()
					+ "': interrupted while waiting", call.name(), call.key(), call.waited(), ex), true, Duration.ZERO);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException("A flight's result is never exceptional", ex);
		}
	}

	@SuppressWarnings("unchecked")
	private <T> Mono<T> emit(FlightCall call, Settled settled, Observed observed) {
		report(call, settled, observed);
		if (settled.error() != null) {
			return Mono.error(settled.error());
		}
		return Mono.justOrEmpty((T) settled.value());
	}

	private void report(FlightCall call, Settled settled, Observed observed) {
		this.observer.called(call.name(), settled.outcome(), settled.waited() ? System.nanoTime() - call.startNanos() : -1);
		observed.end(settled.outcome().name().toLowerCase(Locale.ROOT), settled.error());
	}

	private static RuntimeException unchecked(FlightCall call, Throwable error) {
		if (error instanceof RuntimeException runtime) {
			return runtime;
		}
		if (error instanceof Error fatal) {
			throw fatal;
		}
		return SingleFlightException.loaderFailed(call.name(), call.key(), call.waited(), error);
	}

	private static Duration or(Duration value, Duration fallback) {
		return (value != null) ? value : fallback;
	}

	/** A flight running in this JVM: its callers wait for one outcome. */
	private static final class Flight {

		final CompletableFuture<Settled> result = new CompletableFuture<>();

		final AtomicInteger joined = new AtomicInteger();

		/** The outcome, set once by whichever lands first: the loader's end or its maximum flight time. */
		final AtomicReference<Settled> landed = new AtomicReference<>();

		/** Set when the key was forgotten while this flight ran: its outcome is not kept in L1. */
		volatile boolean forgotten;

		Flight join() {
			this.joined.incrementAndGet();
			return this;
		}

	}

}
