-- Releases a lock by its owner, and wakes the waiters.
--
-- KEYS[1]  the lock: a string holding the owner token, followed by "+" once someone queued
--          behind this hold
-- KEYS[2]  the wait queue
-- ARGV[1]  owner token
-- ARGV[2]  release channel
-- ARGV[3]  the caller's key, published so that waiters need not map the lock key back to it
--
-- Returns  0   released: the lock is free, or kept for the head of the queue
--         -1   the caller does not hold the lock: it expired or someone else holds it now.
--              Nothing is deleted.
-- The fence needs no update: the hold reserved its hand-off tokens when it was acquired.

-- A queued waiter's grace, ms (as in acquire.lua): how long the lock is kept for a head that is gone.
local QUEUE_GRACE = 2000

local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  -- Nobody queued during this hold: nobody to wake, and the queue need not be looked at.
  redis.call('DEL', KEYS[1])
  return 0
end
if holder ~= ARGV[1] .. '+' then
  return -1
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  -- Kept for the head of the queue, so that a newcomer cannot take it while the head wakes up.
  redis.call('SET', KEYS[1], '+', 'PX', QUEUE_GRACE)
  redis.call('PUBLISH', ARGV[2], ARGV[3])
else
  redis.call('DEL', KEYS[1])
end
return 0
