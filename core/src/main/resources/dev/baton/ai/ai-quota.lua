-- Cluster-wide request and token budgets of the AI gateway client, as a generic cell rate
-- algorithm (GCRA) over Redis's own clock, so that instances with skewed clocks agree.
-- Each key holds a "theoretical arrival time" (TAT, milliseconds since the epoch).
-- (MARKED, LATER, REFUSED and FORMAT come from format.lua, put in front of this script.)
--
-- Format 1 (see format.lua): each key holds the TAT as a plain number. A value that is not one
-- (a later format's, '@' n ':...') is neither spent from nor overwritten: every mode answers an
-- error naming both formats, before it writes anything.
--
-- KEYS[1]  request TAT key  (<prefix>:ai:{limits}:requests)
-- KEYS[2]  token TAT key    (<prefix>:ai:{limits}:tokens)
-- KEYS[3]  pause key        (<prefix>:ai:{limits}:pause): until when the last 429 holds
--          requests back, for ai-quota-read.lua to tell a pause from the request spacing
-- ARGV[1]  mode: "admit", "settle" or "pause"
--   admit:  ARGV[2] ms between two requests (0: no request budget)
--           ARGV[3] ms per token (0: no token budget)
--           ARGV[4] tokens to reserve
--           ARGV[5] token capacity (how many tokens may go at once)
--           ARGV[6] longest acceptable wait, ms
--   settle: ARGV[2] ms per token, ARGV[3] token correction (negative gives tokens back)
--   pause:  ARGV[2] ms during which no request may start
-- Returns: admit -> ms to wait before sending (the reservation is taken), or -1 when the
--          wait would exceed ARGV[6] (nothing is reserved); settle and pause -> 0;
--          error "BATON_FORMAT <found> 1" when a key it reads is of a later format.

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000

-- The key's TAT, never before now; nil and the format found when the key holds a value that is
-- not a number (checked only then, so a budget's ordinary read costs nothing more).
local function tat(key)
  local stored = redis.call('GET', key)
  local value = tonumber(stored)
  if value == nil then
    if stored then
      return nil, (string.byte(stored, 1) == MARKED and string.match(stored, LATER)) or '?'
    end
    return now
  end
  if value < now then
    return now
  end
  return value
end

local function store(key, value)
  local ttl = math.ceil(value - now)
  if ttl < 1 then
    ttl = 1
  end
  redis.call('SET', key, string.format('%.3f', value), 'PX', ttl)
end

local mode = ARGV[1]

if mode == 'admit' then
  local requestInterval = tonumber(ARGV[2])
  local tokenInterval = tonumber(ARGV[3])
  local tokens = tonumber(ARGV[4])
  local capacity = tonumber(ARGV[5])
  local maxWait = tonumber(ARGV[6])
  -- A pause (after a 429) holds requests back even without a request budget.
  local requestTat, requestFormat = tat(KEYS[1])
  local tokenTat, tokenFormat = tat(KEYS[2])
  if requestTat == nil or tokenTat == nil then
    return redis.error_reply(REFUSED .. (requestFormat or tokenFormat) .. ' ' .. FORMAT)
  end
  local wait = requestTat - now
  local nextTokenTat = tokenTat
  if tokenInterval > 0 then
    nextTokenTat = tokenTat + tokens * tokenInterval
    local tokenWait = nextTokenTat - now - math.max(capacity, tokens) * tokenInterval
    if tokenWait > wait then
      wait = tokenWait
    end
  end
  if wait > maxWait then
    return -1
  end
  -- The next request slot counts from when this request really goes, so that a request
  -- held back by the token budget does not leave a slot that lets two go back to back.
  if requestInterval > 0 then
    store(KEYS[1], now + wait + requestInterval)
  end
  if tokenInterval > 0 then
    store(KEYS[2], nextTokenTat)
  end
  return math.ceil(wait)
elseif mode == 'settle' then
  local tokenTat, found = tat(KEYS[2])
  if tokenTat == nil then
    return redis.error_reply(REFUSED .. found .. ' ' .. FORMAT)
  end
  local corrected = tokenTat + tonumber(ARGV[3]) * tonumber(ARGV[2])
  if corrected > now then
    store(KEYS[2], corrected)
  else
    redis.call('DEL', KEYS[2])
  end
  return 0
elseif mode == 'pause' then
  local resume = now + tonumber(ARGV[2])
  local requestTat, found = tat(KEYS[1])
  if requestTat == nil then
    return redis.error_reply(REFUSED .. found .. ' ' .. FORMAT)
  end
  if resume > requestTat then
    store(KEYS[1], resume)
  end
  if resume > tat(KEYS[3]) then
    store(KEYS[3], resume)
  end
  return 0
end
return redis.error_reply('ai-quota.lua: unknown mode ' .. tostring(mode))
