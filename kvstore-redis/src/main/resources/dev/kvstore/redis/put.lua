-- One plain put (no lease) of one key, optionally under one condition on that same key, as one
-- atomic step: the value at KEYS[1], without expiry; when the key was under a lease, its lease
-- bookkeeping goes in the same step (as txn.lua does for a put). The lean form of a txn.lua call
-- of one put (and at most one condition, on the put's key): plain puts and single-key
-- compare-and-set are most writes, and txn.lua's general form costs Redis about 1.4 times this
-- per call, and twice a bare compare-and-set script (INFO commandstats).
-- KEYS[1]: the key; KEYS[2]: its lease-id key (see ReservedKeys); KEYS[3], when given: the key
--   index '\0kv:index' (option key-index), which the key joins (ZADD 0 key).
-- ARGV[1]: the value; ARGV[2]: the prefix an old lease id completes into the hash the key is
--   removed from ('\0kv:lease:' on one server, the slot's shards' prefix on a cluster). That hash
--   is the only key touched that KEYS does not name, and it is touched before any write (see
--   txn.lua), so that a failure there leaves nothing written.
-- ARGV[3], when given: the condition on KEYS[1], as in txn.lua: 'a' absent, 'p' present, 'v' value
--   equals ARGV[4].
-- Returns 1 when written, 0 when the condition did not hold (nothing written).
local kind = ARGV[3]
if kind then
  local v = redis.call('GET', KEYS[1])
  if kind == 'a' then
    if v then return 0 end
  elseif kind == 'p' then
    if not v then return 0 end
  elseif v ~= ARGV[4] then
    return 0
  end
end
local old = redis.call('GET', KEYS[2])
if old then
  redis.call('HDEL', ARGV[2] .. old, KEYS[1])
  redis.call('DEL', KEYS[2])
end
redis.call('SET', KEYS[1], ARGV[1])
-- key-index
if KEYS[3] then redis.call('ZADD', KEYS[3], 0, KEYS[1]) end
return 1
