/**
 * Redis plumbing shared by every feature: key naming ({@link dev.baton.redis.RedisKeyspace}),
 * Lua scripts loaded once and run by EVALSHA, and one pub/sub hub per JVM.
 */
package dev.baton.redis;
