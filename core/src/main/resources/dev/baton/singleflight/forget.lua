-- Forgets a flight's stored outcome, moves the key to a new generation (so that a flight claimed
-- before this stores nothing, see complete.lua) and tells every instance to drop its local copy.
--
-- KEYS[1]  the outcome hash
-- KEYS[2]  the key's generation: a counter
-- ARGV[1]  the channel on which KEYS[1] is published
-- ARGV[2]  how long the generation is kept, ms: longer than any flight may run
--
-- Returns 1 when an outcome was stored, 0 when there was none.

local removed = redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('PUBLISH', ARGV[1], KEYS[1])
return removed
