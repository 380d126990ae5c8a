// Lua run by Redis as one atomic step each, so instances sharing a counter never lose a failure
// or leave a counter without expiry. KEYS[1]: the client key's counter.

// ARGV: maxFailures. Answers the ms left of a blocked key's window, 0 when it is not blocked.
export const BLOCKED_FOR_SCRIPT = `
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
if failures < tonumber(ARGV[1]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return 0 end
return ttl
`

// ARGV: window ms. INCR, and PEXPIRE when the counter has no expiry yet (its first failure).
export const RECORD_FAILURE_SCRIPT = `
local failures = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {failures, ttl}
`
