package dev.plaza.kit.hotkey;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A short-lived in-process tier in front of a remote cache, for hot keys only. Every {@link #get} is counted by the
 * {@link HotKeyDetector}; a cold key goes straight to the loader (Redis, usually), a hot key is answered from a
 * Caffeine cache whose entries live a second or two. That takes a hot key's thousands of reads per second off the
 * one Redis shard that owns it, and the short TTL bounds how stale an answer can be without any invalidation across
 * instances. Cold keys are never cached: caching the long tail would only churn memory for a hit rate near zero.
 *
 * <p>Concurrent misses of one hot key share one load (singleflight): the first caller loads on its own thread, the
 * others wait for its result. Not Caffeine's {@code Cache.get(key, fn)}, which runs the load inside the map's lock
 * for that key's bin, where a slow Redis call would block unrelated keys; and not an {@code AsyncCache} holding the
 * unfinished future, which logs every failed load at WARNING although the callers get the exception anyway. A failed
 * or {@code null} load is not kept.
 */
public final class HotKeyCache<K, V> {
    /**
     * @param ttl     how long a hot key's value is served without asking the loader: the staleness you accept
     * @param maxSize entries at most (LRU-ish eviction by Caffeine beyond that)
     */
    public record Settings(Duration ttl, long maxSize) {
        public Settings {
            if (ttl == null || ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("ttl must be positive");
            }
            if (maxSize < 1) {
                throw new IllegalArgumentException("maxSize must be positive, got " + maxSize);
            }
        }

        /** 2 s, 10,000 entries. */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(2), 10_000);
        }
    }

    /** Counters since start: answers from the local tier, loads into it, and loads that bypassed it (cold keys). */
    public record Stats(long hits, long hotLoads, long coldLoads) {
    }

    private final HotKeyDetector detector;
    private final Function<? super K, String> keyName;
    private final Cache<K, V> local;
    private final ConcurrentHashMap<K, CompletableFuture<V>> loading = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder hotLoads = new LongAdder();
    private final LongAdder coldLoads = new LongAdder();

    /** Keys named by {@code String.valueOf}, the system clock. */
    public HotKeyCache(HotKeyDetector detector, Settings settings) {
        this(detector, String::valueOf, settings, Ticker.systemTicker());
    }

    /**
     * @param keyName what a key counts as in the detector; several keys may share a name (a subject's pages all heat
     *                the subject), the cache itself keys by {@code equals}
     * @param ticker  Caffeine's clock for the TTL (a fake one in tests)
     */
    public HotKeyCache(HotKeyDetector detector, Function<? super K, String> keyName, Settings settings,
                       Ticker ticker) {
        this.detector = Objects.requireNonNull(detector, "detector");
        this.keyName = Objects.requireNonNull(keyName, "keyName");
        Objects.requireNonNull(settings, "settings");
        this.local = Caffeine.newBuilder()
                .expireAfterWrite(settings.ttl())
                .maximumSize(settings.maxSize())
                .ticker(Objects.requireNonNull(ticker, "ticker"))
                .build();
    }

    /**
     * The value of {@code key}: from the local tier when the key is hot and it holds the key, otherwise from
     * {@code load} (put into the local tier when the key is hot). Exceptions of {@code load} reach every caller that
     * waited for that load.
     */
    public V get(K key, Function<? super K, ? extends V> load) {
        if (!detector.record(keyName.apply(key))) {
            coldLoads.increment();
            return load.apply(key);
        }
        V cached = local.getIfPresent(key);
        if (cached != null) {
            hits.increment();
            return cached;
        }
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> theirs = loading.putIfAbsent(key, mine);
        if (theirs != null) {
            hits.increment(); // another caller is loading it: one load for all of them
            return join(theirs);
        }
        try {
            V value = local.getIfPresent(key); // a load that ended between our miss and our putIfAbsent
            if (value == null) {
                value = load.apply(key);
                hotLoads.increment();
                if (value != null) {
                    local.put(key, value); // the TTL starts now
                }
            } else {
                hits.increment();
            }
            mine.complete(value);
            return value;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e); // the waiters get it too
            throw e;
        } finally {
            loading.remove(key, mine);
        }
    }

    /**
     * Drops the local copy of {@code key}, after a write on this instance. Other instances keep theirs up to the TTL,
     * and a load already running here may still put what it read: the TTL is the bound on staleness, this only
     * shortens it in the common case.
     */
    public void invalidate(K key) {
        local.invalidate(key);
    }

    public HotKeyDetector detector() {
        return detector;
    }

    public Stats stats() {
        return new Stats(hits.sum(), hotLoads.sum(), coldLoads.sum());
    }

    private static <V> V join(CompletableFuture<V> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
