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
--
-- A script that meets a later value leaves it as it is and answers the error
--   REFUSED .. <the number after the marker, or '?'> .. ' ' .. FORMAT   ("BATON_FORMAT 2 1")
-- which the stores turn into an exception naming both formats. The check is written out where a
-- script reads someone else's value, never on a fast path, and this file holds constants only:
-- a function here would be a closure created at every run of every script (Lua 5.1), about
-- 50 ns of Redis's time on the uncontended lock path, for a check that path never makes.

-- The format this version reads and writes.
local FORMAT = 1
-- The first byte of every value of a later format: '@'.
local MARKED = 64
-- A later format's marker, capturing its number.
local LATER = '^@(%d+):'
-- The start of the error a script answers with on meeting a later format.
local REFUSED = 'BATON_FORMAT '

