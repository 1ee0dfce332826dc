-- Extends the lease of a flight's leader while it computes.
--
-- KEYS[1]  the leader lease
-- ARGV[1]  the leader's owner token
-- ARGV[2]  lease, ms
--
-- Returns 1 renewed, 0 the caller no longer leads (its lease lapsed and may have been taken over).

if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
