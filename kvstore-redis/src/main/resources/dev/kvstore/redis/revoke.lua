-- Revokes lease ARGV[1] (hash KEYS[1], owner token ARGV[2]): deletes every key still under it,
-- then the hash. A key's lease-id key is ARGV[3] .. key (by default '\0kv:key-lease:' .. key; in
-- KEYS[1]'s slot, see keepalive.lua). Returns how many keys were deleted; -1 when the hash was
-- already gone.
-- key-index: KEYS[2], when given, is the index '\0kv:index'; every key gone leaves it.
if redis.call('HGET', KEYS[1], '\0owner') ~= ARGV[2] then return -1 end
local side_prefix = ARGV[3] or '\0kv:key-lease:'
local n = 0
for _, key in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.byte(key, 1) ~= 0 then
    local side = side_prefix .. key
    if redis.call('GET', side) == ARGV[1] then
      if redis.call('PTTL', key) ~= -1 then
        n = n + redis.call('DEL', key)
      end
      redis.call('DEL', side)
    end
    -- key-index
    if KEYS[2] and redis.call('EXISTS', key) == 0 then redis.call('ZREM', KEYS[2], key) end
  end
end
redis.call('DEL', KEYS[1])
return n
