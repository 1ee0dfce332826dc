-- Opens (or reopens) a sale: sets its stock and forgets its orders and buyers.
-- KEYS[1] sale hash (initial, stock)   KEYS[2] orders list   KEYS[3] buyers set
-- ARGV[1] stock
-- Returns 1.
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('HSET', KEYS[1], 'initial', ARGV[1], 'stock', ARGV[1])
return 1
