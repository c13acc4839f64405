-- key-index repair (kvctl reindex): KEYS[1] is the index '\0kv:index', KEYS[2..] keys a SCAN found.
-- Each key that still exists joins the index (one deleted since the SCAN does not). Returns
-- {added, already indexed}.
local added, kept = 0, 0
for i = 2, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    if redis.call('ZADD', KEYS[1], 'NX', 0, KEYS[i]) == 1 then added = added + 1 else kept = kept + 1 end
  end
end
return {added, kept}
