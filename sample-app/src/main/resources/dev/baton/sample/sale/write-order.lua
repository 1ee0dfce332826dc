-- The write half of a purchase: the new stock, the buyer's marker and the order record, refused
-- when the writer's fencing token is older than the last one stored (a writer whose lock ran
-- out while it worked). The stock value was computed by the caller from what it read earlier:
-- this script does not make the purchase atomic, only the write.
-- KEYS[1] sale hash   KEYS[2] orders list   KEYS[3] buyers set   KEYS[4] last fencing token
-- ARGV[1] new stock   ARGV[2] user id   ARGV[3] order JSON   ARGV[4] fencing token, '' for none
-- Returns 1 when written, 0 when refused.
if ARGV[4] ~= '' then
	local last = tonumber(redis.call('GET', KEYS[4]) or '-1')
	if tonumber(ARGV[4]) < last then
		return 0
	end
	redis.call('SET', KEYS[4], ARGV[4])
end
redis.call('HSET', KEYS[1], 'stock', ARGV[1])
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('RPUSH', KEYS[2], ARGV[3])
return 1
