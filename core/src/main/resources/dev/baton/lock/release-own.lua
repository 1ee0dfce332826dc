-- Releases a lock nobody queued for during the hold: the common case, one compare-and-delete,
-- as cheap as a lock's release can be without a server-side compare-and-delete command.
--
-- KEYS[1]  the lock
-- ARGV[1]  owner token
--
-- Returns  0   released
--          1   not the plain case (someone queued, so the value is flagged; or the caller no
--              longer holds it): nothing was changed, and the caller runs release.lua, which
--              wakes the waiters
-- A script of one key and one argument: every key and argument a script is given costs Redis
-- time to set up, and release.lua's seven do not pay for themselves when nobody waits.

if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 0
end
return 1
