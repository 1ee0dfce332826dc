package dev.baton.singleflight;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

/** L1 on Caffeine: bounded in size, each entry expiring after its own lifetime. */
final class CaffeineLocalCache implements LocalCache {

	private final Cache<String, Entry> cache;

	CaffeineLocalCache(long maximumSize) {
		this.cache = Caffeine.newBuilder()
			.maximumSize(maximumSize)
			.expireAfter(Expiry.writing((String key, Entry entry) -> entry.lifetime()))
			.build();
	}

	@Override
	public Entry get(String key) {
		return this.cache.getIfPresent(key);
	}

	@Override
	public void put(String key, Entry entry) {
		this.cache.put(key, entry);
	}

	@Override
	public void invalidate(String key) {
		this.cache.invalidate(key);
	}

}
