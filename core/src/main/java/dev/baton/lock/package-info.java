/**
 * The distributed lock: {@link dev.baton.lock.DistributedLockRegistry} hands out
 * {@link dev.baton.lock.DistributedLock}s (a {@code java.util.concurrent.locks.Lock} with
 * leases, fencing tokens and a reactive API) backed by one Redis
 * ({@link dev.baton.lock.RedisLockRegistry}), several independent masters
 * ({@link dev.baton.lock.RedlockRegistry}) or this JVM ({@link dev.baton.lock.LocalLockRegistry}).
 * Plain Java on Spring Data Redis: no annotations, AOP or Boot here.
 */
package dev.baton.lock;
