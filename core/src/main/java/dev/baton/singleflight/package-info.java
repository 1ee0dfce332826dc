/**
 * Single-flight: one execution per key across every instance, its result shared.
 * {@link dev.baton.singleflight.SingleFlight} checks a local Caffeine cache, coalesces
 * concurrent callers in the JVM, reads the result stored in Redis, and otherwise elects one
 * leader in the cluster through a renewed Redis lease; followers wait for its pub/sub
 * notification, or take over when its lease lapses. Plain Java on Spring Data Redis and Reactor:
 * usable by hand, without a Spring context.
 */
package dev.baton.singleflight;
