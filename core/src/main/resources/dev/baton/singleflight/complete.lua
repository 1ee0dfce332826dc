-- Ends a flight: stores its outcome (when there is one), gives up the lease and wakes every
-- waiting instance, all at once so that no waiter can miss the outcome.
-- (MARKED comes from format.lua, put in front of this script.)
--
-- Format 1 (see format.lua). A leader whose lease lapsed may find an outcome that another
-- instance stored meanwhile: one of a later format is kept, not replaced (while the lease is
-- held, nobody else stores one, and claim.lua checked the stored outcome's format).
--
-- KEYS[1]  the outcome hash {owner, status, shared, value, type, message}
-- KEYS[2]  the leader lease
-- KEYS[3]  the key's generation (see forget.lua)
-- ARGV[1]  the leader's owner token
-- ARGV[2]  status: 'value', 'null' or 'error'; '' stores nothing (the leader gave up)
-- ARGV[3]  '1' when callers that did not wait for this leader may use the outcome, else '0'
-- ARGV[4]  lifetime of the outcome, ms (> 0 when a status is given)
-- ARGV[5]  the value as JSON ('' unless the status is 'value')
-- ARGV[6]  the error's type ('' unless the status is 'error')
-- ARGV[7]  the error's message
-- ARGV[8]  the channel on which the notification is published: the flight's own shard channel
--          (in KEYS[1]'s slot) when ARGV[11] is SPUBLISH, else the one channel of every flight
-- ARGV[9]  the largest value or message, in bytes, carried in the notification itself
-- ARGV[10] the generation the leader's claim returned: when KEYS[3] holds another one, the key
--          was forgotten since, and the outcome (older than the forget) is not stored
-- ARGV[11] the publishing command: SPUBLISH on a Redis Cluster of 7.0+, else PUBLISH
--
-- The notification is a JSON array: [KEYS[1]], or, when there is an outcome whose value or
-- message fits ARGV[9], the outcome too, so that waiters need no further read:
-- [KEYS[1], owner, status, shared, lifetime ms, error type, value or message].
--
-- Returns 1 when the caller still held the lease, 0 when it had lapsed (the outcome is stored
-- all the same: it is as fresh as any other leader's), plus 2 when the outcome was not stored
-- because the key was forgotten since the claim, or 4 when it was not stored because the
-- outcome stored meanwhile is of a later format.

local held = 0
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('DEL', KEYS[2])
  held = 1
end
local status = ARGV[2]
local discarded = 0
if status ~= '' and (redis.call('GET', KEYS[3]) or '') ~= ARGV[10] then
  status = ''
  discarded = 2
end
if status ~= '' and held == 0 and string.byte(redis.call('HGET', KEYS[1], 'status') or '', 1) == MARKED then
  status = ''
  discarded = 4
end
if status ~= '' then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'owner', ARGV[1], 'status', ARGV[2], 'shared', ARGV[3], 'value', ARGV[5],
    'type', ARGV[6], 'message', ARGV[7])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
local notice = {KEYS[1]}
local rest = ARGV[5] .. ARGV[7]
if status ~= '' and #rest <= tonumber(ARGV[9]) then
  notice = {KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[6], rest}
end
redis.call(ARGV[11], ARGV[8], cjson.encode(notice))
return held + discarded
