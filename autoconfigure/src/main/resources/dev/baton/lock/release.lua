-- Releases one hold of a lock by its owner, and wakes the waiters when it is free.
--
-- KEYS[1]  the lock hash {owner, count, fence}
-- KEYS[2]  the fence
-- KEYS[3]  the wait queue
-- ARGV[1]  owner token
-- ARGV[2]  the last fencing token this owner handed out (local hand-offs raise it without Redis)
-- ARGV[3]  lease, ms: what is left of the lock lives this long again when a re-entrant hold remains
-- ARGV[4]  release channel
--
-- Returns  0   released, the lock is free
--          n   n holds remain (re-entrant)
--         -1   the caller does not hold the lock: it expired or someone else holds it now.
--              Nothing is deleted.

if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then
  return -1
end
local remaining = redis.call('HINCRBY', KEYS[1], 'count', -1)
if remaining > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return remaining
end
local handedOut = tonumber(ARGV[2])
if handedOut > tonumber(redis.call('GET', KEYS[2]) or '0') then
  redis.call('SET', KEYS[2], string.format('%.0f', handedOut), 'KEEPTTL')
end
redis.call('DEL', KEYS[1])
if redis.call('EXISTS', KEYS[3]) == 1 then
  redis.call('PUBLISH', ARGV[4], KEYS[1])
end
return 0
