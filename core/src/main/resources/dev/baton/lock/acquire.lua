-- Acquires a lock or queues the caller as a waiter.
-- (MARKED, LATER, REFUSED and FORMAT come from format.lua, epochMillis and firstLiveWaiter from
-- queue.lua, issueToken from fence.lua, all put in front of this script.)
--
-- Format 1 (see format.lua): the values below, unmarked. A lock value or a first waiter of a later
-- format is never taken, waited for nor flagged: the script answers an error naming both formats.
--
-- KEYS[1]  the lock: a string holding the owner token, expiring with the lease; the token
--          followed by "+" once someone queued behind this hold; "+" alone while the lock is
--          free but kept for the head of the queue (see release.lua)
-- KEYS[2]  the fence: the last fencing token reserved for this key
-- KEYS[3]  the wait queue: a sorted set of owners by arrival
-- KEYS[4]  the queue's lapse times: a hash owner -> epoch ms after which the entry is dropped
-- ARGV[1]  owner token (one per hold: the same owner asking again is a retry of one hold)
-- ARGV[2]  lease, ms
-- ARGV[3]  how long the caller is still willing to wait, ms (0: do not queue it)
-- ARGV[4]  how many tokens after its own the hold reserves for local hand-offs
-- ARGV[5]  the caller's clock, epoch us: the least token it may be given
-- ARGV[6]  "1" when this hold has asked before and may be queued: it skips the fast path
-- ARGV[7]  ARGV[5] + ARGV[4], written out by the caller: the fence to record when the token is
--          the caller's clock (the common case), so no number is written out here
--
-- Returns  token > 0   acquired, with a fresh fencing token (also when its owner asks again)
--          -(ms + 1)   not acquired; ms is how long until it is worth trying again at the
--                      latest (the lease left, or until the waiter ahead lapses)
--          error "BATON_FORMAT <found> 1"  the lock or its first waiter is of a later format
--                      (found: its number, or '?'); both are left as they are
-- One integer rather than a pair: the cheapest reply to read on the hot path.
--
-- Every redis.call costs the script about as much as a whole PING costs the server, so the
-- common case, a free lock with nobody queued, is kept to two of them (and a thread's first try
-- takes a free lock with a plain SET NX instead, leaving its token for when it is asked for:
-- token.lua). The queue is not looked at there: a lock with waiters is never absent but held,
-- flagged, or kept for the head. Only when it expired under its waiters (its holder died) may a
-- newcomer take it ahead of them.

-- A queued waiter's entry lapses this long after its next expected try, ms, so a waiter that
-- died blocks the queue for a bounded time only.
local QUEUE_GRACE = 2000

local owner = ARGV[1]

-- The token of a hold taken here, reserving ARGV[4] more for its local hand-offs (fence.lua).
local function token()
  return issueToken(KEYS[2], ARGV[5], ARGV[7], ARGV[4])
end

if ARGV[6] ~= '1' and redis.call('SET', KEYS[1], owner, 'NX', 'PX', ARGV[2]) then
  return token()
end

local holder = redis.call('GET', KEYS[1])
if holder == owner or holder == owner .. '+' then
  -- The same hold asking again: its earlier answer never reached it (or it took the lock
  -- without a token, by a plain SET NX), so a fresh token is as good as any, and safe.
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return token()
end
-- Someone else's value, read only here, off the fast path: one of a later format may mean held
-- (or kept) in a way this version cannot see, so it is left as it is and reported.
if holder and string.byte(holder, 1) == MARKED then
  return redis.error_reply(REFUSED .. (string.match(holder, LATER) or '?') .. ' ' .. FORMAT)
end
local time = redis.call('TIME')
local now = epochMillis(time)
-- Free, or kept for the head of the queue: either way only the head may take it.
local free = holder == false or holder == '+'
local head, headLapse, headFormat = firstLiveWaiter(KEYS[3], KEYS[4], now)
if headFormat then
  return redis.error_reply(REFUSED .. headFormat .. ' ' .. FORMAT)
end

if free and (head == nil or head == owner) then
  if head == owner then
    redis.call('ZREM', KEYS[3], owner)
    redis.call('HDEL', KEYS[4], owner)
  end
  -- Flagged from the start when others still wait, so that its release wakes them.
  local value = owner
  if head ~= nil and redis.call('EXISTS', KEYS[3]) == 1 then value = owner .. '+' end
  redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
  return token()
end

local wait
if free then
  wait = headLapse - now
else
  wait = redis.call('PTTL', KEYS[1])
end
if wait < 0 then wait = 0 end
local willWait = tonumber(ARGV[3])
if willWait > 0 then
  local queueFor = math.min(willWait, wait + QUEUE_GRACE)
  local lapse = now + queueFor
  -- Arrival order in microseconds, so waiters arriving within one millisecond keep their order.
  redis.call('ZADD', KEYS[3], 'NX', tonumber(time[1]) * 1000000 + tonumber(time[2]), owner)
  redis.call('HSET', KEYS[4], owner, lapse)
  if redis.call('PTTL', KEYS[3]) < queueFor then
    redis.call('PEXPIRE', KEYS[3], queueFor)
    redis.call('PEXPIRE', KEYS[4], queueFor)
  end
  -- Tell the holder's release that someone waits (a free lock's taker is flagged as it takes it).
  if not free and string.sub(holder, -1) ~= '+' then
    redis.call('SET', KEYS[1], holder .. '+', 'KEEPTTL')
  end
end
return -(wait + 1)
