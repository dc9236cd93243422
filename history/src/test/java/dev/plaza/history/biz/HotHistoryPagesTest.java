package dev.plaza.history.biz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.history.server.HistoryConfig;
import dev.plaza.kit.hotkey.HeavyKeeper;
import dev.plaza.kit.hotkey.HotKeyDetector;
import dev.plaza.kit.hotkey.HotKeyMetricNames;
import dev.plaza.kit.testing.MutableClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hot-user tier of {@link HistoryUsecase#list}, with the configured defaults (hot from 20 reads per 10 s window,
 * first pages kept 1 s). One fake nano clock drives the detector's windows and the tier's TTL, so nothing sleeps; a
 * load is one {@code list} call on the (fake) Redis, counted.
 */
class HotHistoryPagesTest {
    private static final HistoryConfig.Hot HOT = HistoryConfig.Hot.defaults();
    private static final int MIN_READS = (int) HOT.minCount();
    private static final long HOT_MID = 7;
    private static final long COLD_MID = 8;

    /** Redis as the fake cache, with its list calls counted (the calls the tier exists to save). */
    private static final class CountingCache extends Fakes.Cache {
        final AtomicInteger listCalls = new AtomicInteger();

        @Override
        public List<HistoryRecord> list(long mid, long beforeViewAt, Business business, int limit) {
            listCalls.incrementAndGet();
            return super.list(mid, beforeViewAt, business, limit);
        }
    }

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private CountingCache cache;
    private HotHistoryPages hot;
    private HistoryUsecase history;

    /** A detector like the server's: top K, minimum count and window from the defaults, not started. */
    static HotKeyDetector heat(LongSupplier nanoClock) {
        return heat(nanoClock, new SimpleMeterRegistry());
    }

    private static HotKeyDetector heat(LongSupplier nanoClock, MeterRegistry meters) {
        return new HotKeyDetector("history.mid", new HeavyKeeper(HeavyKeeper.Settings.forTopK(HOT.topK())),
                new HotKeyDetector.Settings(HOT.minCount(), HOT.window()), nanoClock, meters);
    }

    @BeforeEach
    void setUp() {
        cache = new CountingCache();
        hot = new HotHistoryPages(heat(now::get, meters), new HotHistoryPages.Settings(HOT.ttl(), HOT.maxPages()),
                now::get);
        history = instance(hot);
        for (long mid : new long[] {HOT_MID, COLD_MID}) {
            report(mid, 1);
            report(mid, 2);
        }
    }

    /** A service instance over the shared fake Redis and store, with its own tier. */
    private HistoryUsecase instance(HotHistoryPages pages) {
        HistoryMerger merger = new HistoryMerger((region, rs) -> { }, new HistoryMerger.Settings(Duration.ofHours(1),
                100_000, 1, 100));
        return new HistoryUsecase(cache, new Fakes.Store(), new Fakes.Pause(), (mid, day) -> false,
                (mid, kid, at) -> { }, merger, pages, clock, ZoneOffset.UTC);
    }

    private void report(long mid, long aid) {
        clock.advance(Duration.ofSeconds(1)); // each report newer than the last, so it leads the page
        assertThat(history.report(mid, Kid.archive(aid), 1, 10, "web")).isTrue();
    }

    private List<Long> page1(HistoryUsecase on, long mid) {
        return on.list(mid, 0, null, 20).records().stream().map(r -> r.kid().id()).toList();
    }

    private List<Long> page1(long mid) {
        return page1(history, mid);
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    private void heatUp(long mid) {
        for (int i = 0; i < MIN_READS; i++) {
            page1(mid);
        }
        assertThat(history.list(mid, 0, null, 20).records()).isNotEmpty();
        assertThat(hot.stats().hits()).as("the read after the one that turned it hot is local").isPositive();
    }

    @Test
    void aMidReadOftenEnoughTurnsHotAndItsFirstPageIsThenServedWithoutRedis() {
        for (int i = 1; i < MIN_READS; i++) {
            assertThat(page1(HOT_MID)).containsExactly(2L, 1L);
        }
        assertThat(cache.listCalls.get()).as("not hot yet: every read is a Redis read").isEqualTo(MIN_READS - 1);

        assertThat(page1(HOT_MID)).containsExactly(2L, 1L); // the 20th: hot, read once more and kept
        assertThat(cache.listCalls.get()).isEqualTo(MIN_READS);
        for (int i = 0; i < 500; i++) {
            assertThat(page1(HOT_MID)).containsExactly(2L, 1L);
        }
        assertThat(cache.listCalls.get()).as("served in process").isEqualTo(MIN_READS);
        assertThat(hot.stats().hits()).isEqualTo(500);

        advance(HOT.ttl().plusMillis(1)); // the copy expires: one Redis read, then local again
        page1(HOT_MID);
        page1(HOT_MID);
        assertThat(cache.listCalls.get()).isEqualTo(MIN_READS + 1);
        assertThat(meters.get(HotKeyMetricNames.PROMOTED).tag(HotKeyMetricNames.CACHE, "history.mid").counter()
                .count()).isEqualTo(1);
        assertThat(meters.get(HotKeyMetricNames.HOT).tag(HotKeyMetricNames.CACHE, "history.mid").gauge()
                .value()).isEqualTo(1);
    }

    @Test
    void aHotUsersOwnChangesOnThisInstanceShowInTheirNextRead() {
        heatUp(HOT_MID);
        int loads = cache.listCalls.get();

        report(HOT_MID, 3);
        assertThat(page1(HOT_MID)).containsExactly(3L, 2L, 1L);
        report(HOT_MID, 1); // a re-watch moves to the top
        assertThat(page1(HOT_MID)).containsExactly(1L, 3L, 2L);
        history.delete(HOT_MID, List.of(Kid.archive(3)));
        assertThat(page1(HOT_MID)).containsExactly(1L, 2L);
        history.clear(HOT_MID);
        assertThat(page1(HOT_MID)).isEmpty();
        assertThat(cache.listCalls.get()).as("one load after each change").isEqualTo(loads + 4);

        page1(HOT_MID);
        assertThat(cache.listCalls.get()).as("and local again after it").isEqualTo(loads + 4);
    }

    @Test
    void aLoadThatBeganBeforeAReportCannotHideTheReportFromTheNextRead() throws Exception {
        heatUp(HOT_MID);
        advance(HOT.ttl().plusMillis(1)); // the next read loads
        CountDownLatch loaded = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        Fakes.Cache slow = new Fakes.Cache() { // the Redis read of a racing reader, held up after it read
            @Override
            public List<HistoryRecord> list(long mid, long beforeViewAt, Business business, int limit) {
                List<HistoryRecord> page = cache.list(mid, beforeViewAt, business, limit); // read before the report
                loaded.countDown();
                await(proceed);
                return page;
            }
        };
        HistoryMerger merger = new HistoryMerger((region, rs) -> { }, new HistoryMerger.Settings(Duration.ofHours(1),
                100_000, 1, 100));
        HistoryUsecase racing = new HistoryUsecase(slow, new Fakes.Store(), new Fakes.Pause(), (mid, day) -> false,
                (mid, kid, at) -> { }, merger, hot, clock, ZoneOffset.UTC);

        CompletableFuture<List<Long>> before = CompletableFuture.supplyAsync(() -> page1(racing, HOT_MID));
        assertThat(loaded.await(10, TimeUnit.SECONDS)).isTrue();
        report(HOT_MID, 3); // accepted while that load is under way
        proceed.countDown();
        assertThat(before.get(10, TimeUnit.SECONDS)).as("the racing read saw the old page").containsExactly(2L, 1L);

        assertThat(page1(HOT_MID)).as("but did not keep it for the next one").containsExactly(3L, 2L, 1L);
    }

    @Test
    void aColdMidNeverUsesTheLocalTier() {
        heatUp(HOT_MID);
        long hits = hot.stats().hits();
        int loads = cache.listCalls.get();
        for (int i = 0; i < MIN_READS / 2 - 1; i++) { // just under the rate that can turn it hot
            assertThat(page1(COLD_MID)).containsExactly(2L, 1L);
            page1(HOT_MID);
        }
        assertThat(cache.listCalls.get()).as("every cold read, no hot one").isEqualTo(loads + MIN_READS / 2 - 1);
        assertThat(hot.stats().hits()).isEqualTo(hits + MIN_READS / 2 - 1);
        assertThat(hot.stats().coldLoads()).isGreaterThanOrEqualTo(MIN_READS / 2 - 1);

        // a cold user's report shows at once because nothing of theirs is kept, not because it was dropped
        report(COLD_MID, 3);
        assertThat(page1(COLD_MID)).containsExactly(3L, 2L, 1L);
        assertThat(cache.listCalls.get()).isEqualTo(loads + MIN_READS / 2);
    }

    @Test
    void laterPagesHeatTheUserButAreNeverKept() {
        long cursor = clock.millis(); // any cursor but 0 is a later page; this one lists both records
        for (int i = 0; i < MIN_READS + 5; i++) {
            history.list(HOT_MID, cursor, null, 20);
        }
        assertThat(cache.listCalls.get()).isEqualTo(MIN_READS + 5);
        assertThat(hot.stats().hits()).isZero();
        page1(HOT_MID); // hot through its later pages: the first page is loaded once and kept
        page1(HOT_MID);
        assertThat(cache.listCalls.get()).isEqualTo(MIN_READS + 6);
        assertThat(hot.stats().hits()).isEqualTo(1);
    }

    @Test
    void anotherInstanceServesAHotUsersPageForAtMostTheTtlAfterAChangeMadeHere() {
        HotHistoryPages otherTier = new HotHistoryPages(heat(now::get), new HotHistoryPages.Settings(HOT.ttl(),
                HOT.maxPages()), now::get);
        HistoryUsecase other = instance(otherTier);
        for (int i = 0; i < MIN_READS; i++) {
            page1(other, HOT_MID);
        }
        report(HOT_MID, 3); // through this instance, sharing Redis with the other
        assertThat(page1(HOT_MID)).containsExactly(3L, 2L, 1L);
        assertThat(page1(other, HOT_MID)).as("the other instance was not told").containsExactly(2L, 1L);
        advance(HOT.ttl().plusMillis(1));
        assertThat(page1(other, HOT_MID)).containsExactly(3L, 2L, 1L);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the load go on");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
