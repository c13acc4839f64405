-- Grants a lease: a new id from the counter KEYS[1], and the lease's hash '\0kv:lease:<id>'
-- (fields '\0ttl' = ARGV[1], the TTL in milliseconds, and '\0owner' = ARGV[2], a token only the
-- granting client knows, so a restarted Redis that hands the same id out again cannot be taken
-- for the old lease), expiring after that TTL. Returns the id.
local id = redis.call('INCR', KEYS[1])
local lease = '\0kv:lease:' .. id
redis.call('HSET', lease, '\0ttl', ARGV[1], '\0owner', ARGV[2])
redis.call('PEXPIRE', lease, ARGV[1])
return id
