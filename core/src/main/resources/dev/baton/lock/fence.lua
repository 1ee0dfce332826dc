-- Fencing tokens, shared by acquire.lua and token.lua: RedisLockStore puts this file in front
-- of each (Redis runs one text per script).
--
-- Tokens are strictly increasing per key, and never below the issuing instance's clock in
-- microseconds, so they keep increasing after the fence key lapsed or was evicted (a holder
-- whose lease could still run took its token at least that lease ago), and the masters of a
-- Redlock, all given the same clock by one acquisition, issue comparable tokens. The caller's
-- clock rather than Redis's TIME: one call fewer, and one clock per acquisition. A token is
-- issued only to the lock's holder, while it holds it (an acquisition, or a holder asking for
-- its first token), so tokens increase in the order of the holds that asked for them.
--
-- A hold reserves its own token and `handoffs` more for the local hand-offs it may make, so the
-- next hold's token is above all of them even if this one never comes back to say how many it
-- used (it crashed, or its lease ran out). One SET ... GET both reads the last reservation and
-- records this one, as the caller wrote it out (Redis writing out a Lua number costs about a
-- quarter of the call: 0.45 of 1.7 us, measured in a loop). Only when the clock is not ahead of
-- the fence does a number go to SET, which Redis writes out in full (tokens stay far below
-- 2^53, where a Lua number stops being an exact integer).

-- How long the fence outlives its key's last token, ms; past it, tokens go on from the clock.
local FENCE_RETENTION = 86400000

-- fence: the fence key; floor: the caller's clock, epoch us, as text; reserved: floor +
-- handoffs, written out by the caller; handoffs: the hand-offs to reserve tokens for, as text.
local function issueToken(fence, floor, reserved, handoffs)
  local token = tonumber(floor)
  local last = tonumber(redis.call('SET', fence, reserved, 'PX', FENCE_RETENTION, 'GET') or 0)
  if last >= token then
    token = last + 1
    redis.call('SET', fence, token + tonumber(handoffs), 'PX', FENCE_RETENTION)
  end
  return token
end
