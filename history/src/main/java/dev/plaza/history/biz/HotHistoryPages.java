package dev.plaza.history.biz;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.plaza.kit.hotkey.HotKeyCache;
import dev.plaza.kit.hotkey.HotKeyDetector;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * The first history page of hot users, kept in process for about a second. Every list read heats its user (mid) in
 * a {@link HotKeyDetector}; while a mid is hot (a client polling, an account shared by many devices, a scraper), its
 * first pages come from a {@link HotKeyCache}, so its reads stop costing a Redis script each on the one shard that
 * holds the user. Cold mids, almost all of them, always go to Redis.
 *
 * <p>A user's own write must show in their next read on this instance. {@link HotKeyCache#invalidate} alone does
 * not promise that: a load that began before the write may put what it read after the invalidation, and a reader
 * arriving meanwhile joins that load. So a page is cached under a generation of its mid, read before the load, and
 * {@link #changed} raises the generation after the write: every read that starts later looks for a key nothing was
 * cached under and loads afresh. Generations live in a fixed array of stripes (mids share them), not in a map of
 * every mid that ever reported; a write of another mid of the same stripe costs a hot mid one extra load, nothing
 * worse. Other instances are not told: there a page may be stale for up to {@code ttl}.
 */
public final class HotHistoryPages {
    /** Generation stripes: at 10,000 reports a second one stripe moves about twice a second. */
    private static final int STRIPES = 4096;

    /**
     * @param ttl      how long a hot user's first page is served without asking Redis: the staleness other
     *                 instances accept for this user's writes (keep it short: 1-2 s)
     * @param maxPages bound on the pages kept
     */
    public record Settings(Duration ttl, long maxPages) {
        public Settings {
            if (ttl == null || ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("ttl must be positive");
            }
            if (maxPages < 1) {
                throw new IllegalArgumentException("maxPages must be positive, got " + maxPages);
            }
        }

        /** 1 s, 1,000 pages (a page holds at most 30 records). */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(1), 1000);
        }
    }

    /**
     * Counters: pages answered in process ({@code hits}, readers that waited for another reader's load included),
     * pages of hot users loaded into the tier, and reads of cold users that went to the loader.
     */
    public record Stats(long hits, long hotLoads, long coldLoads) {
    }

    /** A first page as kept; heat is counted per mid, so every variant of a user's page heats the same key. */
    private record FirstPage(long mid, Business business, int ps, long generation) {
        String heatName() {
            return HotHistoryPages.heatName(mid);
        }
    }

    private final HotKeyDetector heat;
    private final HotKeyCache<FirstPage, HistoryPage> local;
    private final AtomicLongArray generations = new AtomicLongArray(STRIPES);

    /** @param heat which mids are hot; the server owns it (starts and closes it), this only records reads in it */
    public HotHistoryPages(HotKeyDetector heat, Settings settings) {
        this(heat, settings, Ticker.systemTicker());
    }

    /** @param ticker the local tier's clock for its TTL (tests move a fake one instead of sleeping) */
    HotHistoryPages(HotKeyDetector heat, Settings settings, Ticker ticker) {
        this.heat = heat;
        this.local = new HotKeyCache<>(heat, FirstPage::heatName,
                new HotKeyCache.Settings(settings.ttl(), settings.maxPages()), ticker);
    }

    /** A user's name in the detector: the mid in decimal. */
    public static String heatName(long mid) {
        return Long.toString(mid);
    }

    /**
     * The first page ({@code beforeViewAt} 0) of {@code mid}'s history: counts the read, and for a hot mid answers
     * from the local tier (one {@code load} per page and TTL); a cold mid's read is {@code load}.
     */
    public HistoryPage firstPage(long mid, Business business, int ps, Supplier<HistoryPage> load) {
        FirstPage key = new FirstPage(mid, business, ps, generations.get(stripe(mid)));
        return local.get(key, k -> load.get());
    }

    /**
     * Counts a read of a later page: a cursor is rarely read twice, so those pages are not kept, but a user paged
     * through (a scraper) is a hot user, whose first page is then kept.
     */
    public void heat(long mid) {
        heat.record(heatName(mid));
    }

    /**
     * After this instance changed {@code mid}'s history (report, delete, clear, pause) and the change is in Redis:
     * reads starting from now on load afresh. Must come after the write, or a read between the two could cache the
     * old page under the new generation.
     */
    public void changed(long mid) {
        generations.incrementAndGet(stripe(mid));
    }

    public Stats stats() {
        HotKeyCache.Stats s = local.stats();
        return new Stats(s.hits(), s.hotLoads(), s.coldLoads());
    }

    /** Spreads neighbouring mids (they are handed out in sequence) over the stripes: Fibonacci hashing. */
    private static int stripe(long mid) {
        return (int) ((mid * 0x9E3779B97F4A7C15L) >>> (64 - Integer.numberOfTrailingZeros(STRIPES)));
    }
}
