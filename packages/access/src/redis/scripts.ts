// Lua run by Redis as one atomic step: every precondition is checked before anything is written,
// so a refused commit writes nothing. KEYS: meta, secrets, status, tokens, revoked, names, audit, kicks.
// Records arrive as JSON text and are stored as given (cjson would reformat numbers and empty arrays).
export const COMMIT_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], 'version') == 0 then return {'empty'} end
local changes = cjson.decode(ARGV[1])
local audit = cjson.decode(ARGV[2])
local function statusOf(kid)
  local raw = redis.call('HGET', KEYS[3], kid)
  if not raw then return nil end
  return cjson.decode(raw).status
end
for _, c in ipairs(changes) do
  if c.type == 'secret.create' then
    if redis.call('HEXISTS', KEYS[2], c.kid) == 1 then return {'invalid', 'kid', 'names a secret that exists'} end
  elseif c.type == 'secret.status' then
    local status = statusOf(c.kid)
    if not status then return {'invalid', 'kid', 'names no secret'} end
    local allowed = false
    for _, from in ipairs(c.from) do if from == status then allowed = true end end
    if not allowed then return {'invalid', 'kid', 'names a secret that is ' .. status} end
  elseif c.type == 'token.create' then
    if statusOf(c.kid) ~= 'active' then return {'invalid', 'kid', 'names no active secret'} end
    if redis.call('HEXISTS', KEYS[6], c.name) == 1 then return {'invalid', 'name', 'is taken by a token that is not revoked'} end
  elseif c.type == 'token.revoke' then
    if redis.call('HEXISTS', KEYS[4], c.id) == 0 then return {'invalid', 'id', 'names no token'} end
    if redis.call('HEXISTS', KEYS[5], c.id) == 1 then return {'invalid', 'id', 'names a token that is already revoked'} end
  end
end
for _, c in ipairs(changes) do
  if c.type == 'secret.create' then
    redis.call('HSET', KEYS[2], c.kid, c.record)
    redis.call('HSET', KEYS[3], c.kid, c.status)
  elseif c.type == 'secret.status' then
    redis.call('HSET', KEYS[3], c.kid, c.status)
  elseif c.type == 'token.create' then
    redis.call('HSET', KEYS[4], c.id, c.record)
    redis.call('HSET', KEYS[6], c.name, c.id)
  elseif c.type == 'token.revoke' then
    redis.call('HSET', KEYS[5], c.id, c.revocation)
    local name = cjson.decode(redis.call('HGET', KEYS[4], c.id)).name
    if redis.call('HGET', KEYS[6], name) == c.id then redis.call('HDEL', KEYS[6], name) end
  elseif c.type == 'connections.close' then
    local seq = redis.call('HINCRBY', KEYS[1], 'kickSeq', 1)
    redis.call('ZADD', KEYS[8], seq, '{"seq":' .. seq .. ',' .. string.sub(c.kick, 2))
    redis.call('ZREMRANGEBYRANK', KEYS[8], 0, -(tonumber(ARGV[4]) + 1))
  end
end
for _, line in ipairs(audit) do
  local seq = redis.call('HINCRBY', KEYS[1], 'auditSeq', 1)
  redis.call('ZADD', KEYS[7], seq, '{"seq":' .. seq .. ',' .. string.sub(line, 2))
end
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('PUBLISH', ARGV[3], tostring(version))
return {'ok', tostring(version)}
`

// KEYS: meta. ARGV: check value, '1' to create an empty store. Answers 'ok', 'empty' or 'mismatch'.
export const KEY_CHECK_SCRIPT = `
local known = redis.call('HGET', KEYS[1], 'keyCheck')
if not known then
  if redis.call('HEXISTS', KEYS[1], 'version') == 1 then return 'mismatch' end
  if ARGV[2] ~= '1' then return 'empty' end
  redis.call('HSET', KEYS[1], 'version', 0, 'auditSeq', 0, 'keyCheck', ARGV[1])
  return 'ok'
end
if known == ARGV[1] then return 'ok' end
return 'mismatch'
`
