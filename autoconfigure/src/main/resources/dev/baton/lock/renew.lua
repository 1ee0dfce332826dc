-- Extends the lease of a lock held by the caller (the watchdog), or moves a hand-off's lease.
--
-- KEYS[1]  the lock: a string holding the owner token
-- ARGV[1]  owner token
-- ARGV[2]  lease, ms
--
-- Returns 1 renewed, 0 the caller no longer holds the lock (it is lost).

if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
