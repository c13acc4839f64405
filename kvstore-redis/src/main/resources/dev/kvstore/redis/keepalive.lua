-- Keeps lease ARGV[1] (hash KEYS[1], owner token ARGV[3]) alive for ARGV[2] more milliseconds,
-- with every key still under it: a key counts while its lease-id key (ARGV[4] .. key; by default
-- '\0kv:key-lease:' .. key) names this lease and it still expires (a plain SET from outside clears
-- the expiry and so ends the lease's hold).
-- ARGV[5] = '1' (a cluster shard): a key is dropped from the hash only on positive evidence that
-- it is no longer the lease's (its lease-id key names another lease, or it exists without one);
-- when neither the key nor its lease-id key is found, it may be in flight to another node during
-- a reshard, so it is left for the next keep-alive. (The lease-id keys cannot be passed in KEYS:
-- only the hash knows the lease's keys. They hash to KEYS[1]'s slot: see ReservedKeys.)
-- Returns 1, or 0 when the lease is gone (expired, revoked, or lost with the server's data).
-- key-index: KEYS[2], when given, is the index '\0kv:index'; a key found gone leaves it.
if redis.call('HGET', KEYS[1], '\0owner') ~= ARGV[3] then return 0 end
local side_prefix = ARGV[4] or '\0kv:key-lease:'
local cautious = ARGV[5] == '1'
redis.call('PEXPIRE', KEYS[1], ARGV[2])
for _, key in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.byte(key, 1) ~= 0 then
    local side = side_prefix .. key
    local held = redis.call('GET', side)
    local ours = held == ARGV[1]
    if ours and redis.call('PTTL', key) > 0 then
      redis.call('PEXPIRE', key, ARGV[2])
      redis.call('PEXPIRE', side, ARGV[2])
    elseif not cautious or (held and not ours) or redis.call('EXISTS', key) == 1 then
      if ours then redis.call('DEL', side) end
      redis.call('HDEL', KEYS[1], key)
      -- key-index
      if KEYS[2] and redis.call('EXISTS', key) == 0 then redis.call('ZREM', KEYS[2], key) end
    end
  end
end
return 1
