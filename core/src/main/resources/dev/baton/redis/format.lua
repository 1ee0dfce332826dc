-- The format of the values Baton keeps in Redis, shared by the scripts that read values other
-- instances wrote (a lock's acquire and release, a flight's claim and completion, the AI
-- budgets): each store puts this file in front of them (Redis runs one text per script).
--
-- Format 1 is the layout every Baton version so far has written, described in each script's
-- header. It carries no marker: it costs no byte and no call, and instances of older versions,
-- which write the same layout, are format-1 instances.
-- A later format n (n >= 2) that format-1 code could not read correctly begins every value that
-- format-1 scripts read with '@' n ':' (e.g. '@2:...'): lock values and wait-queue members, a
-- flight's leader lease and the status field of its stored outcome, the AI budgets' values. No
-- format-1 value begins with '@' (owner tokens begin with an instance's UUID, "+" is the lock
-- kept for a waiter, statuses are words, budgets are numbers), so a format-1 script knows every
-- later value for one it must not read, and such a value never equals a format-1 owner token:
-- release and renew, which act only on the caller's own value, never delete or extend it.
-- Counters (a lock's fence, a flight's generation) stay plain integers in every format; a
-- format that needs them otherwise uses other keys.

-- The format this version reads and writes.
local FORMAT = 1

-- The format of a value another instance wrote when it is a later one: the number after its
-- marker ('?' when that cannot be read); nil for a format-1 value. One byte compared, so it
-- costs nothing measurable where a script reads someone else's value.
local function laterFormat(value)
  if string.byte(value, 1) ~= 64 then
    return nil
  end
  return string.match(value, '^@(%d+):') or '?'
end

-- A script's answer on meeting a value of a later format: an error naming the format found and
-- this one, which the stores turn into an exception that says both.
local function unknownFormat(found)
  return redis.error_reply('BATON_FORMAT ' .. found .. ' ' .. FORMAT)
end

