-- Reads the cluster-wide AI budgets that ai-quota.lua keeps, without changing them: what the
-- baton endpoint shows. Read-only; Redis's clock, as ai-quota.lua uses it.
--
-- KEYS[1]  request TAT key  (<prefix>:ai:{limits}:requests)
-- KEYS[2]  token TAT key    (<prefix>:ai:{limits}:tokens)
-- KEYS[3]  pause key        (<prefix>:ai:{limits}:pause)
-- Returns: four strings: Redis's time, then each key's value ('' when absent), all in
--          milliseconds since the epoch.

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000

local function read(key)
  local value = redis.call('GET', key)
  if value then
    return value
  end
  return ''
end

return { string.format('%.3f', now), read(KEYS[1]), read(KEYS[2]), read(KEYS[3]) }
