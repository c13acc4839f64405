-- Records in a cluster lease's root hash KEYS[1] (owner token ARGV[1]) that the lease has a shard
-- in slot ARGV[2]: field '\0shard:' .. ARGV[2], so that any client can find the lease's keys
-- (leaseInfo). Returns 1, or 0 when the root is gone or not this owner's (nothing written: a
-- field on a missing hash would create a hash that never expires).
if redis.call('HGET', KEYS[1], '\0owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], '\0shard:' .. ARGV[2], '1')
return 1
