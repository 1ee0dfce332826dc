-- The fair wait queue's reading, shared by acquire.lua and release.lua: RedisLockStore puts
-- this file in front of each (Redis runs one text per script), after format.lua.

-- Redis's clock in epoch ms, from a TIME reply.
local function epochMillis(time)
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- The first live waiter of the queue and when its entry lapses, dropping the entries that
-- lapsed already (waiters that died or gave up); nil, 0 when nobody waits. A first waiter that
-- queued in a later format is returned as it is, with that format third (its lapse unread).
local function firstLiveWaiter(queue, lapses, now)
  while true do
    local first = redis.call('ZRANGE', queue, 0, 0)[1]
    if first == nil then
      return nil, 0
    end
    if string.byte(first, 1) == MARKED then
      return first, 0, string.match(first, LATER) or '?'
    end
    local lapse = tonumber(redis.call('HGET', lapses, first) or '0')
    if lapse > now then
      return first, lapse
    end
    redis.call('ZREM', queue, first)
    redis.call('HDEL', lapses, first)
  end
end

