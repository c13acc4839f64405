-- Keeps lease ARGV[1] (hash KEYS[1], owner token ARGV[3]) alive for ARGV[2] more milliseconds,
-- with every key still under it: a key counts while its '\0kv:key-lease:<key>' names this lease
-- and it still expires (a plain SET from outside clears the expiry and so ends the lease's hold).
-- Returns 1, or 0 when the lease is gone (expired, revoked, or lost with the server's data).
-- key-index: KEYS[2], when given, is the index '\0kv:index'; a key found gone leaves it.
if redis.call('HGET', KEYS[1], '\0owner') ~= ARGV[3] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
for _, key in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.byte(key, 1) ~= 0 then
    local side = '\0kv:key-lease:' .. key
    local ours = redis.call('GET', side) == ARGV[1]
    if ours and redis.call('PTTL', key) > 0 then
      redis.call('PEXPIRE', key, ARGV[2])
      redis.call('PEXPIRE', side, ARGV[2])
    else
      if ours then redis.call('DEL', side) end
      redis.call('HDEL', KEYS[1], key)
      -- key-index
      if KEYS[2] and redis.call('EXISTS', key) == 0 then redis.call('ZREM', KEYS[2], key) end
    end
  end
end
return 1
