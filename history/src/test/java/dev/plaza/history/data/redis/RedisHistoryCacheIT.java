package dev.plaza.history.data.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.RequiresEngines;
import dev.plaza.history.biz.Business;
import dev.plaza.history.biz.HistoryKey;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.history.biz.Kid;
import dev.plaza.kit.redis.Redis;
import dev.plaza.kit.redis.RedisConfig;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The report cache on a real Redis: last write wins, the cap, cursor pages, filters and the batch round trips. */
@RequiresEngines({EngineKind.REDIS})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisHistoryCacheIT {
    private static final int REDIS_DB = 12;
    private static final long MID = 42;
    private static final long T0 = 1_700_000_000_000L;
    private Redis redis;
    private RedisHistoryCache cache;

    @BeforeAll
    void connect(Endpoints endpoints) {
        redis = Redis.connect(new RedisConfig(endpoints.redisUri() + "/" + REDIS_DB, Duration.ofSeconds(5)));
        cache = new RedisHistoryCache(redis, RedisHistoryCache.Settings.defaults());
    }

    @BeforeEach
    void flush() {
        redis.sync().flushdb();
    }

    @AfterAll
    void close() {
        if (redis != null) {
            redis.close();
        }
    }

    private static HistoryRecord rec(long mid, Kid kid, long progress, long viewAt) {
        return new HistoryRecord(new HistoryKey(mid, kid), 7, progress, "web", viewAt);
    }

    private static HistoryRecord archive(long aid, long viewAt) {
        return rec(MID, Kid.archive(aid), aid * 10, viewAt);
    }

    private static List<Long> viewAts(List<HistoryRecord> rs) {
        return rs.stream().map(HistoryRecord::viewAt).toList();
    }

    @Test
    void putAllThenLatestGetAndList() {
        HistoryRecord a = new HistoryRecord(new HistoryKey(MID, Kid.archive(1)), 11, 30, "android", T0 + 1);
        HistoryRecord b = new HistoryRecord(new HistoryKey(MID, new Kid(Business.PGC, 2)), 0, HistoryRecord.FINISHED,
                "web|beta", T0 + 2); // a platform holding the separator still round-trips
        HistoryRecord other = rec(43, Kid.archive(1), 99, T0 + 3);
        cache.putAll(List.of(a, b, other));

        assertThat(cache.get(a.key())).contains(a);
        assertThat(cache.get(b.key())).contains(b);
        assertThat(cache.get(new HistoryKey(MID, Kid.archive(999)))).isEmpty();

        HistoryKey missing = new HistoryKey(44, Kid.archive(1));
        Map<HistoryKey, HistoryRecord> latest = cache.latest(List.of(a.key(), b.key(), other.key(), missing));
        assertThat(latest).containsOnly(Map.entry(a.key(), a), Map.entry(b.key(), b), Map.entry(other.key(), other));

        assertThat(cache.list(MID, 0, null, 10)).containsExactly(b, a);
        assertThat(cache.list(43, 0, null, 10)).containsExactly(other);
        assertThat(cache.size(MID)).isEqualTo(2);
        assertThat(cache.size(44)).isZero();

        RedisCommands<String, String> r = redis.sync();
        assertThat(r.hget("h:r:{42}", "archive_1")).isEqualTo("1|11|30|" + (T0 + 1) + "|android");
        assertThat(r.zscore("h:z:{42}", "pgc_2")).isEqualTo((double) (T0 + 2));
    }

    @Test
    void anOlderReportArrivingLateChangesNothing() {
        HistoryRecord newer = archive(1, T0 + 500);
        cache.putAll(List.of(newer));
        cache.putAll(List.of(rec(MID, Kid.archive(1), 1, T0 + 100)));
        assertThat(cache.get(newer.key())).contains(newer);
        assertThat(redis.sync().zscore(RedisHistoryCache.timelineKey(MID), "archive_1")).isEqualTo((double) (T0 + 500));

        // within one batch too, in either order; equally recent: the later arrival wins
        HistoryRecord x1 = rec(MID, Kid.archive(2), 1, T0 + 10);
        HistoryRecord x2 = rec(MID, Kid.archive(2), 2, T0 + 20);
        cache.putAll(List.of(x2, x1));
        assertThat(cache.get(x1.key())).contains(x2);
        HistoryRecord tie = rec(MID, Kid.archive(2), 3, T0 + 20);
        cache.putAll(List.of(tie));
        assertThat(cache.get(x1.key())).contains(tie);
        HistoryRecord newest = rec(MID, Kid.archive(2), 4, T0 + 900);
        cache.putAll(List.of(newest));
        assertThat(cache.list(MID, 0, null, 10)).containsExactly(newest, newer);
    }

    @Test
    void concurrentReportsForOneKeyEndWithTheNewest() throws Exception {
        int threads = 8;
        int perThread = 300;
        List<Long> all = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int n = 0; n < perThread; ) {
                        int batch = 1 + rnd.nextInt(5);
                        List<HistoryRecord> rs = new ArrayList<>();
                        for (int b = 0; b < batch && n < perThread; b++, n++) {
                            long viewAt = T0 + rnd.nextLong(1, 10_000_000);
                            all.add(viewAt);
                            // progress tells which report is stored; another user's record rides along
                            rs.add(rec(MID, Kid.archive(5), viewAt - T0, viewAt));
                            rs.add(rec(MID + 1, Kid.archive(5), 1, viewAt));
                        }
                        cache.putAll(rs);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        }
        long max = Collections.max(all);
        HistoryRecord stored = cache.get(new HistoryKey(MID, Kid.archive(5))).orElseThrow();
        assertThat(stored.viewAt()).isEqualTo(max);
        assertThat(stored.progress()).isEqualTo(max - T0);
        assertThat(redis.sync().zscore(RedisHistoryCache.timelineKey(MID), "archive_5")).isEqualTo((double) max);
        assertThat(cache.get(new HistoryKey(MID + 1, Kid.archive(5))).orElseThrow().viewAt()).isEqualTo(max);
        assertThat(cache.size(MID)).isEqualTo(1);
    }

    @Test
    void theListKeepsTheNewestCapRecords() {
        int cap = RedisHistoryCache.Settings.defaults().cap();
        List<HistoryRecord> rs = new ArrayList<>();
        for (int n = 1; n <= cap + 5; n++) {
            rs.add(archive(n, T0 + n * 1000L));
        }
        Collections.shuffle(rs);
        cache.putAll(rs.subList(0, 400)); // several batches, in no particular order
        cache.putAll(rs.subList(400, rs.size()));

        RedisCommands<String, String> r = redis.sync();
        assertThat(cache.size(MID)).isEqualTo(cap);
        assertThat(r.hlen(RedisHistoryCache.recordsKey(MID))).isEqualTo(cap);
        for (int n = 1; n <= 5; n++) {
            assertThat(r.hexists(RedisHistoryCache.recordsKey(MID), "archive_" + n)).isFalse();
            assertThat(r.zscore(RedisHistoryCache.timelineKey(MID), "archive_" + n)).isNull();
        }
        assertThat(r.hexists(RedisHistoryCache.recordsKey(MID), "archive_6")).isTrue();

        List<HistoryRecord> page = cache.list(MID, 0, null, cap + 10);
        assertThat(page).hasSize(cap);
        assertThat(viewAts(page)).isSortedAccordingTo(Collections.reverseOrder());
        assertThat(page.get(0).kid()).isEqualTo(Kid.archive(cap + 5));
        assertThat(page.get(cap - 1).kid()).isEqualTo(Kid.archive(6));

        // a late report older than everything kept is trimmed at once; a newer one pushes the oldest out
        cache.putAll(List.of(archive(1, T0 + 500)));
        assertThat(cache.get(new HistoryKey(MID, Kid.archive(1)))).isEmpty();
        cache.putAll(List.of(archive(1, T0 + 10_000_000)));
        assertThat(cache.get(new HistoryKey(MID, Kid.archive(1)))).isPresent();
        assertThat(r.hexists(RedisHistoryCache.recordsKey(MID), "archive_6")).isFalse();
        assertThat(r.hlen(RedisHistoryCache.recordsKey(MID))).isEqualTo(cap);
    }

    @Test
    void cursorPagesNeitherOverlapNorSkip() {
        List<HistoryRecord> rs = new ArrayList<>();
        for (int n = 1; n <= 23; n++) {
            rs.add(archive(n, T0 + n * 7L)); // distinct viewAts: see the class comment on ties
        }
        cache.putAll(rs);
        List<HistoryRecord> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        long before = 0;
        while (true) {
            List<HistoryRecord> page = cache.list(MID, before, null, 10);
            sizes.add(page.size());
            if (page.isEmpty()) {
                break;
            }
            seen.addAll(page);
            before = page.get(page.size() - 1).viewAt();
        }
        assertThat(sizes).containsExactly(10, 10, 3, 0);
        List<HistoryRecord> expected = new ArrayList<>(rs);
        Collections.reverse(expected);
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(cache.list(MID, T0 + 7 * 5, null, 10)).extracting(HistoryRecord::viewAt)
                .containsExactly(T0 + 28, T0 + 21, T0 + 14, T0 + 7); // the cursor itself is excluded
    }

    @Test
    void aBusinessFilterFillsItsPageFromFurtherDown() {
        List<HistoryRecord> rs = new ArrayList<>();
        rs.add(archive(1, T0 + 1));
        rs.add(archive(2, T0 + 2));
        rs.add(archive(3, T0 + 3));
        for (int n = 1; n <= 300; n++) { // far more than one scan chunk of newer other-business records
            rs.add(rec(MID, new Kid(Business.PGC, n), 0, T0 + 1000 + n));
        }
        rs.add(rec(MID, new Kid(Business.LIVE, 9), 0, T0 + 5000));
        cache.putAll(rs);

        List<HistoryRecord> page1 = cache.list(MID, 0, Business.ARCHIVE, 2);
        assertThat(page1).extracting(HistoryRecord::kid).containsExactly(Kid.archive(3), Kid.archive(2));
        List<HistoryRecord> page2 = cache.list(MID, page1.get(1).viewAt(), Business.ARCHIVE, 2);
        assertThat(page2).extracting(HistoryRecord::kid).containsExactly(Kid.archive(1));
        assertThat(cache.list(MID, 0, Business.LIVE, 5)).extracting(HistoryRecord::kid)
                .containsExactly(new Kid(Business.LIVE, 9));
        assertThat(cache.list(MID, 0, Business.ARTICLE, 5)).isEmpty();
        assertThat(cache.list(MID, 0, Business.PGC, 1000)).hasSize(300);
        assertThat(cache.list(MID, 0, null, 3)).extracting(HistoryRecord::viewAt)
                .containsExactly(T0 + 5000, T0 + 1300, T0 + 1299);
    }

    @Test
    void deleteAndClear() {
        cache.putAll(List.of(archive(1, T0 + 1), archive(2, T0 + 2), archive(3, T0 + 3), rec(7, Kid.archive(1), 0,
                T0)));
        cache.delete(MID, List.of(Kid.archive(1), Kid.archive(3), Kid.archive(404)), T0 + 10);
        RedisCommands<String, String> r = redis.sync();
        assertThat(cache.list(MID, 0, null, 10)).extracting(HistoryRecord::kid).containsExactly(Kid.archive(2));
        assertThat(r.hkeys(RedisHistoryCache.recordsKey(MID))).containsExactly("archive_2");
        assertThat(r.zrange(RedisHistoryCache.timelineKey(MID), 0, -1)).containsExactly("archive_2");

        // tombstones tell the job not to write back what was reported before the delete
        HistoryKey one = new HistoryKey(MID, Kid.archive(1));
        HistoryKey two = new HistoryKey(MID, Kid.archive(2));
        assertThat(cache.deletedAt(List.of(one, two, new HistoryKey(7, Kid.archive(1)))))
                .containsOnly(org.assertj.core.api.Assertions.entry(one, T0 + 10));
        assertThat(r.pttl(RedisHistoryCache.tombstonesKey(MID))).isPositive();

        cache.clear(MID, T0 + 20);
        assertThat(cache.size(MID)).isZero();
        assertThat(r.exists(RedisHistoryCache.recordsKey(MID), RedisHistoryCache.timelineKey(MID))).isZero();
        assertThat(cache.size(7)).isEqualTo(1); // other users untouched
        assertThat(cache.deletedAt(List.of(one, two))).containsOnly(org.assertj.core.api.Assertions.entry(one,
                T0 + 20), org.assertj.core.api.Assertions.entry(two, T0 + 20));
    }

    @Test
    void writesSetAndRefreshTheTtl() {
        RedisHistoryCache shortLived = new RedisHistoryCache(redis, new RedisHistoryCache.Settings(10,
                Duration.ofSeconds(100)));
        shortLived.putAll(List.of(archive(1, T0)));
        RedisCommands<String, String> r = redis.sync();
        for (String key : List.of(RedisHistoryCache.recordsKey(MID), RedisHistoryCache.timelineKey(MID))) {
            assertThat(r.pttl(key)).isBetween(90_000L, 100_000L);
            r.pexpire(key, 5_000);
        }
        shortLived.putAll(List.of(archive(2, T0 + 1)));
        for (String key : List.of(RedisHistoryCache.recordsKey(MID), RedisHistoryCache.timelineKey(MID))) {
            assertThat(r.pttl(key)).isGreaterThan(90_000L);
        }
    }

    @Test
    void scriptsSurviveAServerThatForgotThem() {
        cache.putAll(List.of(archive(1, T0 + 1)));
        redis.sync().scriptFlush(); // as after a restart or failover
        cache.putAll(List.of(archive(2, T0 + 2), rec(43, Kid.archive(3), 0, T0 + 3)));
        assertThat(cache.list(MID, 0, null, 10)).extracting(HistoryRecord::viewAt).containsExactly(T0 + 2, T0 + 1);
        assertThat(cache.size(43)).isEqualTo(1);
    }

    @Test
    void badInputIsRejectedOrEmpty() {
        assertThatThrownBy(() -> cache.list(MID, -1, null, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThat(cache.list(MID, 0, null, 0)).isEmpty();
        cache.putAll(List.of());
        cache.delete(MID, List.of(), T0);
        assertThat(cache.latest(List.of())).isEmpty();
        redis.sync().hset(RedisHistoryCache.recordsKey(MID), "archive_1", "9|future|format");
        assertThatThrownBy(() -> cache.get(new HistoryKey(MID, Kid.archive(1))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("archive_1");
    }
}
