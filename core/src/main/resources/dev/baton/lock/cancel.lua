-- Takes a waiter that gave up out of the queue, and wakes the others if it was in their way.
--
-- Format 1 (see format.lua): removes only the caller's own entry, and deletes the lock only
-- when it holds "+" (kept for a waiter), which no value of a later format equals.
--
-- KEYS[1]  the lock
-- KEYS[2]  the wait queue
-- KEYS[3]  the queue's lapse times
-- ARGV[1]  owner token
-- ARGV[2]  release channel: the lock's own shard channel (in KEYS[1]'s slot) when ARGV[4] is
--          SPUBLISH, else the one channel of every lock
-- ARGV[3]  the caller's key, published so that waiters need not map the lock key back to it
-- ARGV[4]  the publishing command: SPUBLISH on a Redis Cluster of 7.0+, else PUBLISH
--
-- Returns 1 when the owner was queued, 0 otherwise.

local removed = redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if removed == 1 then
  local holder = redis.call('GET', KEYS[1])
  if holder == false or holder == '+' then
    if redis.call('EXISTS', KEYS[2]) == 1 then
      redis.call(ARGV[4], ARGV[2], ARGV[3])
    elseif holder == '+' then
      -- It was kept for the queue, which is now empty.
      redis.call('DEL', KEYS[1])
    end
  end
end
return removed
