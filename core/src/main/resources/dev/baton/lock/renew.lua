-- Extends the lease of a lock held by the caller (the watchdog), or moves a hand-off's lease.
--
-- Format 1 (see format.lua): only the caller's own value is extended; a value of a later
-- format never equals it, so it is never extended (the caller's hold is lost).
--
-- KEYS[1]  the lock: a string holding the owner token (followed by "+" when someone waits)
-- ARGV[1]  owner token
-- ARGV[2]  lease, ms
--
-- Returns 1 renewed, 0 the caller no longer holds the lock (it is lost).

local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] or holder == ARGV[1] .. '+' then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
