-- Creates a lease's hash KEYS[1] unless it exists: on a cluster, a lease's root hash (at grant)
-- or its shard in one slot (before the lease's first key there). Fields '\0ttl' = ARGV[1], the
-- lease's TTL in milliseconds, and '\0owner' = ARGV[2], the owner token; expires after ARGV[3]
-- milliseconds (the lease's remaining time). Returns 1 when created, 0 when it existed already.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], '\0ttl', ARGV[1], '\0owner', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
