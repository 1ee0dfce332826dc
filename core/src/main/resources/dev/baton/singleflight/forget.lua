-- Forgets a flight's stored outcome and tells every instance to drop its local copy.
--
-- KEYS[1]  the outcome hash
-- ARGV[1]  the channel on which KEYS[1] is published
--
-- Returns 1 when an outcome was stored, 0 when there was none.

local removed = redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1], KEYS[1])
return removed
