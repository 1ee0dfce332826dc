-- Releases a lock by its owner, and wakes the waiters.
--
-- KEYS[1]  the lock: a string holding the owner token
-- KEYS[2]  the wait queue
-- ARGV[1]  owner token
-- ARGV[2]  release channel
-- ARGV[3]  the caller's key, published so that waiters need not map the lock key back to it
--
-- Returns  0   released, the lock is free
--         -1   the caller does not hold the lock: it expired or someone else holds it now.
--              Nothing is deleted.
-- The fence needs no update: the hold reserved its hand-off tokens when it was acquired.

if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('PUBLISH', ARGV[2], ARGV[3])
end
return 0
