-- Acquires a lock, re-enters it, or queues the caller as a waiter.
--
-- KEYS[1]  the lock: a hash {owner, count, fence}, expiring with the lease
-- KEYS[2]  the fence: the last fencing token handed out for this key
-- KEYS[3]  the wait queue: a sorted set of owners by arrival
-- KEYS[4]  the queue's lapse times: a hash owner -> epoch ms after which the entry is dropped
-- ARGV[1]  owner token
-- ARGV[2]  lease, ms
-- ARGV[3]  how long the caller is still willing to wait, ms (0: do not queue it)
-- ARGV[4]  how long to keep the fence, ms
-- ARGV[5]  grace, ms: a queued waiter's entry lapses this long after its next expected try,
--          so a waiter that died blocks the queue for a bounded time only
--
-- Returns  token > 0   acquired (a fresh fencing token) or re-entered by the same owner (the
--                      hold's token)
--          -(ms + 1)   not acquired; ms is how long until it is worth trying again at the
--                      latest (the lease left, or until the waiter ahead lapses)
-- One integer rather than a pair: the cheapest reply to read on the hot path.

local owner = ARGV[1]
local holder = redis.call('HGET', KEYS[1], 'owner')
if holder == owner then
  redis.call('HINCRBY', KEYS[1], 'count', 1)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(redis.call('HGET', KEYS[1], 'fence'))
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

-- The first live waiter, dropping those whose entry lapsed (a waiter that died or gave up).
local head = nil
local headLapse = 0
if redis.call('EXISTS', KEYS[3]) == 1 then
  while true do
    local first = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
    if first == nil then break end
    local lapse = tonumber(redis.call('HGET', KEYS[4], first) or '0')
    if lapse > now then
      head = first
      headLapse = lapse
      break
    end
    redis.call('ZREM', KEYS[3], first)
    redis.call('HDEL', KEYS[4], first)
  end
end

if holder == false and (head == nil or head == owner) then
  if head == owner then
    redis.call('ZREM', KEYS[3], owner)
    redis.call('HDEL', KEYS[4], owner)
  end
  -- Strictly increasing per key, even after the fence key itself has expired: never below
  -- the server clock in microseconds.
  local last = tonumber(redis.call('GET', KEYS[2]) or '0')
  local token = math.max(last + 1, tonumber(time[1]) * 1000000 + tonumber(time[2]))
  redis.call('HSET', KEYS[1], 'owner', owner, 'count', 1, 'fence', string.format('%.0f', token))
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('SET', KEYS[2], string.format('%.0f', token), 'PX', ARGV[4])
  return token
end

local wait
if holder == false then
  wait = headLapse - now
else
  wait = redis.call('PTTL', KEYS[1])
end
if wait < 0 then wait = 0 end
local willWait = tonumber(ARGV[3])
if willWait > 0 then
  local queueFor = math.min(willWait, wait + tonumber(ARGV[5]))
  local lapse = now + queueFor
  -- Arrival order in microseconds, so waiters arriving within one millisecond keep their order.
  redis.call('ZADD', KEYS[3], 'NX', tonumber(time[1]) * 1000000 + tonumber(time[2]), owner)
  redis.call('HSET', KEYS[4], owner, lapse)
  if redis.call('PTTL', KEYS[3]) < queueFor then
    redis.call('PEXPIRE', KEYS[3], queueFor)
    redis.call('PEXPIRE', KEYS[4], queueFor)
  end
end
return -(wait + 1)
