-- Releases a lock by its owner, and wakes the waiters.
-- (format.lua's constants, epochMillis and firstLiveWaiter from queue.lua, all put in front of
-- this script.)
--
-- Format 1 (see format.lua). Only the caller's own value is deleted: a value of a later format
-- never equals it. A first waiter of a later format is woken but the lock is not kept for it
-- (the "+" it may not read): the caller's hold is deleted, as with nobody waiting.
--
-- KEYS[1]  the lock: a string holding the owner token, followed by "+" once someone queued
--          behind this hold
-- KEYS[2]  the wait queue
-- KEYS[3]  the queue's lapse times
-- ARGV[1]  owner token
-- ARGV[2]  release channel: the lock's own shard channel (in KEYS[1]'s slot) when ARGV[4] is
--          SPUBLISH, else the one channel of every lock
-- ARGV[3]  the caller's key, published so that waiters need not map the lock key back to it
-- ARGV[4]  the publishing command: SPUBLISH on a Redis Cluster of 7.0+, else PUBLISH
--
-- Returns  0   released: the lock is free, or kept for the head of the queue
--         -1   the caller does not hold the lock: it expired or someone else holds it now.
--              Nothing is deleted; waiters are woken if it expired under them.
-- The fence needs no update: the hold reserved its hand-off tokens when it was acquired.

-- A lock kept for a queued waiter stays kept this long past the waiter's lapse, ms, so that the
-- waiters told to come back at that lapse find it still kept, drop the lapsed entry and take it.
local KEEP_MARGIN = 250

local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  -- Nobody queued during this hold: nobody to wake, and the queue need not be looked at.
  redis.call('DEL', KEYS[1])
  return 0
end
if holder ~= ARGV[1] .. '+' then
  -- A lease that ran out under its waiters was not released: nothing told them, and those that
  -- queued while the lock was kept for another come back only when that one's entry lapses.
  -- The late release of such a lease (a fixed lease ended by its JVM a tick after Redis let it
  -- go) tells them now.
  if holder == false and redis.call('EXISTS', KEYS[2]) == 1 then
    redis.call(ARGV[4], ARGV[2], ARGV[3])
  end
  return -1
end

-- Someone queued during this hold. The first live waiter gets the lock kept for it ("+") until
-- it comes or its entry lapses, so that no newcomer takes the lock ahead of the queue meanwhile.
local now = epochMillis(redis.call('TIME'))
local head, keepUntil, headFormat = firstLiveWaiter(KEYS[2], KEYS[3], now)
if head == nil then
  redis.call('DEL', KEYS[1])
  return 0
end
if headFormat then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], '+', 'PX', keepUntil - now + KEEP_MARGIN)
end
redis.call(ARGV[4], ARGV[2], ARGV[3])
return 0
