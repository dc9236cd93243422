package dev.plaza.history.biz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.plaza.kit.testing.MutableClock;
import dev.plaza.kit.errors.PlazaError;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The use cases over plain fakes of the biz interfaces. */
class HistoryUsecaseTest {
    private final Fakes.Cache cache = new Fakes.Cache();
    private final Fakes.Store store = new Fakes.Store();
    private final Fakes.Pause pause = new Fakes.Pause();
    private final Set<String> seenDays = new HashSet<>();
    private final List<String> firstViews = new ArrayList<>();
    private final List<HistoryRecord> flushed = new ArrayList<>();
    private final HistoryMerger merger = new HistoryMerger((region, rs) -> flushed.addAll(rs),
            new HistoryMerger.Settings(Duration.ofHours(1), 1, 1, 100));
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));
    private final HistoryUsecase history = new HistoryUsecase(cache, store, pause,
            (mid, day) -> seenDays.add(mid + "@" + day), (mid, kid, at) -> firstViews.add(mid + " " + kid),
            merger, new HotHistoryPages(HotHistoryPagesTest.heat(System::nanoTime), HotHistoryPages.Settings.defaults()),
            clock, ZoneOffset.UTC);

    private static PlazaError refused(Runnable r) {
        return catchThrowableOfType(PlazaError.class, r::run);
    }

    @Test
    void aReportLandsInRedisAndTheMergerAndTheFirstViewOfADayIsAnnouncedOnce() {
        assertThat(history.report(7, Kid.archive(100), 1, 30, "web")).isTrue();
        clock.advance(Duration.ofSeconds(15));
        assertThat(history.report(7, Kid.archive(100), 1, 45, "web")).isTrue();
        assertThat(history.resume(7, Kid.archive(100)).orElseThrow().progress()).isEqualTo(45);
        assertThat(merger.pending()).isEqualTo(1);
        merger.flush();
        assertThat(flushed).extracting(HistoryRecord::progress).containsExactly(45L);
        assertThat(firstViews).containsExactly("7 archive_100");
        clock.advance(Duration.ofDays(1));
        history.report(7, Kid.archive(101), 2, 5, "web");
        assertThat(firstViews).containsExactly("7 archive_100", "7 archive_101");
        assertThat(seenDays).contains("7@" + LocalDate.of(2026, 11, 28));
    }

    @Test
    void whilePausedReportsAreAcceptedAndDropped() {
        history.setPaused(7, true);
        assertThat(history.isPaused(7)).isTrue();
        assertThat(history.report(7, Kid.archive(100), 1, 30, "web")).isFalse();
        assertThat(cache.records).isEmpty();
        assertThat(merger.pending()).isZero();
        history.setPaused(7, false);
        assertThat(history.report(7, Kid.archive(100), 1, 30, "web")).isTrue();
    }

    @Test
    void badReportsChangeNothing() {
        assertThat(refused(() -> history.report(0, Kid.archive(1), 1, 1, "web")).code()).isEqualTo(-101);
        assertThat(refused(() -> history.report(7, Kid.archive(1), -1, 1, "web")).code()).isEqualTo(-400);
        assertThat(refused(() -> history.report(7, Kid.archive(1), 1, -2, "web")).code()).isEqualTo(-400);
        assertThat(refused(() -> history.report(7, Kid.archive(1), 1, 1, "x".repeat(33))).code()).isEqualTo(-400);
        assertThat(cache.records).isEmpty();
        assertThat(merger.pending()).isZero();
        assertThat(firstViews).isEmpty();
    }

    @Test
    void aBatchIsTakenWholeOrNotAtAll() {
        HistoryUsecase.Report good = new HistoryUsecase.Report(7, Kid.archive(1), 1, 10, "web");
        HistoryUsecase.Report bad = new HistoryUsecase.Report(8, Kid.archive(2), 1, -5, "web");
        assertThat(refused(() -> history.reportAll(List.of(good, bad))).code()).isEqualTo(-400);
        assertThat(cache.records).isEmpty();
        assertThat(merger.pending()).isZero();
        assertThat(firstViews).isEmpty();

        history.setPaused(9, true);
        int taken = history.reportAll(List.of(good, new HistoryUsecase.Report(9, Kid.archive(3), 1, 1, "web"),
                new HistoryUsecase.Report(8, Kid.archive(2), 1, 20, "ios")));
        assertThat(taken).isEqualTo(2); // the paused user's report is accepted and dropped
        assertThat(merger.pending()).isEqualTo(2);
        assertThat(history.resume(8, Kid.archive(2)).orElseThrow().platform()).isEqualTo("ios");
        assertThat(history.resume(9, Kid.archive(3))).isEmpty();
        assertThat(firstViews).containsExactly("7 archive_1", "8 archive_2");
    }

    @Test
    void aBackedUpMergerRefusesFastAndStoresNothing() {
        for (long aid = 1; aid <= 4; aid++) { // 4 x maxPending (1) keys pending: the sink has not run
            history.report(7, Kid.archive(aid), 1, 1, "web");
        }
        PlazaError e = refused(() -> history.report(7, Kid.archive(99), 1, 1, "web"));
        assertThat(e.code()).isEqualTo(-503);
        assertThat(cache.get(new HistoryKey(7, Kid.archive(99)))).isEmpty();
    }

    @Test
    void listingPagesThroughRedisThenTheStorePastTheCachedTail() {
        cache.cap = 5;
        for (int i = 1; i <= 12; i++) {
            clock.advance(Duration.ofSeconds(10));
            history.report(7, Kid.archive(i), 1, i, "web");
            merger.flush();
        }
        store.upsert(flushed); // what the job would have written
        // an old record of a kid Redis holds in a newer version must not show twice
        store.upsert(List.of(new HistoryRecord(new HistoryKey(7, Kid.archive(12)), 1, 0, "web", 1)));
        List<Long> seen = new ArrayList<>();
        long cursor = 0;
        for (int pageNo = 0; pageNo < 5; pageNo++) {
            HistoryPage p = history.list(7, cursor, null, 4);
            p.records().forEach(r -> seen.add(r.kid().id()));
            if (p.nextViewAt() == 0) {
                break;
            }
            cursor = p.nextViewAt();
        }
        assertThat(seen).containsExactly(12L, 11L, 10L, 9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L);
        assertThat(refused(() -> history.list(7, 0, null, 31)).code()).isEqualTo(-400);
        assertThat(history.list(7, 0, Business.LIVE, 10).records()).isEmpty();
    }

    @Test
    void staleStoreRowsOfRecordsRedisHoldsDoNotEndTheListEarly() {
        cache.cap = 2;
        // the store: ten old records; Redis: the two newest, which are re-watches of stored videos 3 and 4
        for (int i = 1; i <= 10; i++) {
            store.upsert(List.of(new HistoryRecord(new HistoryKey(7, Kid.archive(i)), 1, 0, "web", 1_000L * i)));
        }
        clock.advance(Duration.ofSeconds(1));
        history.report(7, Kid.archive(3), 1, 99, "web");
        clock.advance(Duration.ofSeconds(1));
        history.report(7, Kid.archive(4), 1, 99, "web");
        List<Long> seen = new ArrayList<>();
        long cursor = 0;
        for (int pageNo = 0; pageNo < 10; pageNo++) {
            HistoryPage p = history.list(7, cursor, null, 3);
            p.records().forEach(r -> seen.add(r.kid().id()));
            if (p.nextViewAt() == 0) {
                break;
            }
            cursor = p.nextViewAt();
        }
        assertThat(seen).containsExactly(4L, 3L, 10L, 9L, 8L, 7L, 6L, 5L, 2L, 1L);
    }

    @Test
    void deleteAndClearReachRedisAndTheStore() {
        history.report(7, Kid.archive(1), 1, 1, "web");
        history.report(7, Kid.archive(2), 1, 1, "web");
        merger.flush();
        store.upsert(flushed);
        history.delete(7, List.of(Kid.archive(1)));
        assertThat(cache.get(new HistoryKey(7, Kid.archive(1)))).isEmpty();
        assertThat(store.get(new HistoryKey(7, Kid.archive(1)))).isEmpty();
        history.clear(7);
        assertThat(cache.records).isEmpty();
        assertThat(store.records).isEmpty();
        assertThat(refused(() -> history.delete(7, List.of())).code()).isEqualTo(-400);
    }
}
