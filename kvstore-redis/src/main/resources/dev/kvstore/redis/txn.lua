-- One transaction, as one atomic step: every condition is checked, then every write applied; or
-- nothing is written. Values stay plain strings at their keys.
-- KEYS: the conditions' keys, then the operations' keys, in order, then each operation's
--   lease-id key (see below), in the same order; without these (on a cluster, which keeps no
--   lease bookkeeping) no lease-id key is read or written.
--   key-index (option key-index): after the lease-id keys, the index '\0kv:index', a sorted set
--   every put joins (ZADD 0 key) and every delete leaves (ZREM), in this same step.
-- ARGV[1]: number of conditions; ARGV[2]: number of operations; then two per condition:
--   kind ('a' absent, 'p' present, 'v' value equals), value ('' unless 'v');
-- then four per operation: kind ('p' put, 'l' leased put, 'd' delete), value, lease id and the
--   lease's owner token ('' unless 'l').
-- Returns 1 when applied, 0 when a condition did not hold, -j when operation j's lease is gone.
-- Bookkeeping (see ReservedKeys): '\0kv:key-lease:<key>' holds a leased key's lease id, with the
-- key's expiry; '\0kv:lease:<id>' is the lease's hash of its keys, expiring with the lease.
local R = '\0kv:'
local nc, no = tonumber(ARGV[1]), tonumber(ARGV[2])
local sides = #KEYS > nc + no
-- key-index: the index key, when given
local index = KEYS[nc + 2 * no + 1]
for i = 1, nc do
  local kind, want = ARGV[1 + 2 * i], ARGV[2 + 2 * i]
  local v = redis.call('GET', KEYS[i])
  if kind == 'a' then
    if v then return 0 end
  elseif kind == 'p' then
    if not v then return 0 end
  elseif v ~= want then
    return 0
  end
end
local base = 2 + 2 * nc
local ttl = {}
for j = 1, no do
  local at = base + 4 * (j - 1)
  local lease = ARGV[at + 3]
  if ARGV[at + 1] == 'l' and not ttl[lease] then
    local hash = R .. 'lease:' .. lease
    local t = redis.call('PTTL', hash)
    if t <= 0 or redis.call('HGET', hash, '\0owner') ~= ARGV[at + 4] then return -j end
    ttl[lease] = t
  end
end
for j = 1, no do
  local at = base + 4 * (j - 1)
  local kind, value, lease = ARGV[at + 1], ARGV[at + 2], ARGV[at + 3]
  local key = KEYS[nc + j]
  local side = sides and KEYS[nc + no + j]
  local old = side and redis.call('GET', side)
  if old and old ~= lease then
    redis.call('HDEL', R .. 'lease:' .. old, key)
  end
  if kind == 'l' then
    redis.call('SET', key, value, 'PX', ttl[lease])
    redis.call('SET', side, lease, 'PX', ttl[lease])
    redis.call('HSET', R .. 'lease:' .. lease, key, '1')
  else
    if kind == 'p' then
      redis.call('SET', key, value)
    else
      redis.call('DEL', key)
    end
    if old then redis.call('DEL', side) end
  end
  -- key-index
  if index then
    if kind == 'd' then redis.call('ZREM', index, key) else redis.call('ZADD', index, 0, key) end
  end
end
return 1
