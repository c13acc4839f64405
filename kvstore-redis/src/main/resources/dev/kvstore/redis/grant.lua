-- Grants a lease: a new id from the counter KEYS[1], and the lease's hash '\0kv:lease:<id>'
-- (field '\0ttl' = ARGV[1], the TTL in milliseconds), expiring after that TTL. Returns the id.
local id = redis.call('INCR', KEYS[1])
local lease = '\0kv:lease:' .. id
redis.call('HSET', lease, '\0ttl', ARGV[1])
redis.call('PEXPIRE', lease, ARGV[1])
return id
