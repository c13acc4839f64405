-- One transaction, as one atomic step: every condition is checked, then every write applied; or
-- nothing is written. Values stay plain strings at their keys.
-- KEYS: the conditions' keys, then the operations' keys, in order, then each operation's
--   lease-id key (see below), in the same order; without these no lease-id key is read or
--   written. Then, when any operation is a leased put, each operation's lease hash, in the same
--   order: the hash that records the lease's keys in this key's slot (on one server the lease's
--   own hash '\0kv:lease:<id>', on a cluster its shard '\0kv:{<tag>}shard:<id>'); for an
--   operation that is not a leased put, any key of the same slot (unused).
--   key-index (option key-index): after the lease hashes (so the lease hashes must then be given,
--   for every operation), the index '\0kv:index', a sorted set every put joins (ZADD 0 key) and
--   every delete leaves (ZREM), in this same step.
-- ARGV[1]: number of conditions; ARGV[2]: number of operations; then two per condition:
--   kind ('a' absent, 'p' present, 'v' value equals), value ('' unless 'v');
-- then four per operation: kind ('p' put, 'l' leased put, 'd' delete), value, lease id and the
--   lease's owner token ('' unless 'l');
-- then, optionally, the prefix an old lease id completes into the hash a replaced key is removed
--   from (default '\0kv:lease:'; on a cluster the shards' prefix of the keys' slot). That hash
--   cannot be passed in KEYS: only the lease-id key read here names the old lease. It is the
--   only key touched that KEYS does not name, and it is touched before any write, so that a
--   failure there (a cluster node that no longer has it mid-reshard) leaves nothing written.
-- Returns 1 when applied, 0 when a condition did not hold, -j when operation j's lease is gone.
-- Bookkeeping (see ReservedKeys): the lease-id key holds a leased key's lease id, with the key's
-- expiry; the lease hash has one field per key of the lease, expiring with the lease.
local nc, no = tonumber(ARGV[1]), tonumber(ARGV[2])
local sides = #KEYS > nc + no
local old_prefix = ARGV[3 + 2 * nc + 4 * no] or '\0kv:lease:'
-- key-index: the index key, when given
local index = KEYS[nc + 3 * no + 1]
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
    local hash = KEYS[nc + 2 * no + j]
    local t = redis.call('PTTL', hash)
    if t <= 0 or redis.call('HGET', hash, '\0owner') ~= ARGV[at + 4] then return -j end
    ttl[lease] = t
  end
end
local olds = {}
if sides then
  for j = 1, no do
    local old = redis.call('GET', KEYS[nc + no + j])
    olds[j] = old
    if old and old ~= ARGV[base + 4 * (j - 1) + 3] then
      redis.call('HDEL', old_prefix .. old, KEYS[nc + j])
    end
  end
end
for j = 1, no do
  local at = base + 4 * (j - 1)
  local kind, value, lease = ARGV[at + 1], ARGV[at + 2], ARGV[at + 3]
  local key = KEYS[nc + j]
  local side = sides and KEYS[nc + no + j]
  if kind == 'l' then
    redis.call('SET', key, value, 'PX', ttl[lease])
    redis.call('SET', side, lease, 'PX', ttl[lease])
    redis.call('HSET', KEYS[nc + 2 * no + j], key, '1')
  else
    if kind == 'p' then
      redis.call('SET', key, value)
    else
      redis.call('DEL', key)
    end
    if olds[j] then redis.call('DEL', side) end
  end
  -- key-index
  if index then
    if kind == 'd' then redis.call('ZREM', index, key) else redis.call('ZADD', index, 0, key) end
  end
end
return 1
