-- Issues the fencing token of a hold that took its lock without one (a free lock taken by a
-- plain SET NX, the uncontended path of a blocking lock), when its holder first asks for it.
-- (issueToken comes from fence.lua, put in front of this script.)
--
-- Format 1 (see format.lua): only the caller's own value is read as held; a value of a later
-- format never equals it.
--
-- KEYS[1]  the lock
-- KEYS[2]  the fence
-- ARGV[1]  owner token
-- ARGV[2]  the caller's clock, epoch us: the least token it may be given
-- ARGV[3]  ARGV[2] + ARGV[4], written out by the caller
-- ARGV[4]  how many tokens after its own the hold reserves for its remaining local hand-offs
--
-- Returns  token > 0   the hold's token
--          -1          the caller no longer holds the lock: no token is issued

local holder = redis.call('GET', KEYS[1])
if holder ~= ARGV[1] and holder ~= ARGV[1] .. '+' then
  return -1
end
return issueToken(KEYS[2], ARGV[2], ARGV[3], ARGV[4])
