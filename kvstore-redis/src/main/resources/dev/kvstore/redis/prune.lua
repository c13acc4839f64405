-- key-index: KEYS[1] is the index '\0kv:index', KEYS[2..] members just read from it. A member whose
-- key does not exist (a leased key expired, Redis runs no script then; or a client without the
-- index deleted it) leaves the index, in this step, so it cannot come back by mistake: a key
-- written again meanwhile exists and stays. Returns per member, in order, 1 if its key exists, 0
-- if it was removed.
local out = {}
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    out[i - 1] = 1
  else
    redis.call('ZREM', KEYS[1], KEYS[i])
    out[i - 1] = 0
  end
end
return out
