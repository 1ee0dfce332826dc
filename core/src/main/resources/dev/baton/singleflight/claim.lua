-- Reads a flight's stored outcome or, when there is none the caller may use, tries to become
-- the flight's leader.
-- (MARKED, LATER, REFUSED and FORMAT come from format.lua, put in front of this script.)
--
-- Format 1 (see format.lua): the values below, unmarked. A stored outcome whose status, or a
-- leader lease whose owner token, is of a later format is neither used, nor waited for, nor
-- replaced: the script answers an error naming both formats.
--
-- KEYS[1]  the outcome: a hash {owner, status, shared, value, type, message}
-- KEYS[2]  the leader lease: a string holding the leader's owner token, expiring with the lease
-- KEYS[3]  the key's generation: a counter that forget.lua increments (absent: never forgotten)
-- ARGV[1]  the caller's owner token
-- ARGV[2]  lease, ms
-- ARGV[3]  the leader the caller waited for, or '': that leader's outcome is usable by the
--          caller even when it is not shared (an error, or a null that is not cached)
-- ARGV[4]  '1' to pass over the stored outcome (the caller could not read it), else '0'
--
-- Returns {1, ttl ms, owner, status, shared, value, type, message}  an outcome the caller may use
--         {2, generation}                        the caller now leads (holds the lease); generation
--                                                is KEYS[3]'s value ('' when absent), for complete.lua
--         {0, lease ms left, leader}             another caller leads
--         error "BATON_FORMAT <found> 1"         the outcome or the lease is of a later format

if ARGV[4] ~= '1' then
  local stored = redis.call('HMGET', KEYS[1], 'owner', 'status', 'shared', 'value', 'type', 'message')
  if stored[2] and string.byte(stored[2], 1) == MARKED then
    return redis.error_reply(REFUSED .. (string.match(stored[2], LATER) or '?') .. ' ' .. FORMAT)
  end
  if stored[2] and (stored[3] == '1' or (ARGV[3] ~= '' and stored[1] == ARGV[3])) then
    return {1, redis.call('PTTL', KEYS[1]), stored[1], stored[2], stored[3], stored[4] or '', stored[5] or '',
      stored[6] or ''}
  end
else
  -- Passed over because it could not be read, as format 1: it may have been replaced since.
  local status = redis.call('HGET', KEYS[1], 'status')
  if status and string.byte(status, 1) == MARKED then
    return redis.error_reply(REFUSED .. (string.match(status, LATER) or '?') .. ' ' .. FORMAT)
  end
end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {2, redis.call('GET', KEYS[3]) or ''}
end
local leader = redis.call('GET', KEYS[2]) or ''
if string.byte(leader, 1) == MARKED then
  return redis.error_reply(REFUSED .. (string.match(leader, LATER) or '?') .. ' ' .. FORMAT)
end
return {0, redis.call('PTTL', KEYS[2]), leader}
