package dev.plaza.comment.biz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.kit.hotkey.HeavyKeeper;
import dev.plaza.kit.hotkey.HotKeyDetector;
import dev.plaza.kit.hotkey.HotKeyMetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hot-subject tier of {@code listRoots}, with the server's numbers (hot from 50 reads per 10 s window, pages 1-3
 * kept 1 s). One fake clock drives both the detector's windows and the local tier's TTL, so nothing here sleeps on
 * time; a load is one root-page look-up in the (fake) Redis.
 */
class HotSubjectPagesTest {
    private static final SubjectKey VIDEO = new SubjectKey(1, 42);
    private static final SubjectKey QUIET = new SubjectKey(1, 43);
    private static final int MIN_READS = 50;
    private static final Duration WINDOW = Duration.ofSeconds(10);
    private static final Duration TTL = CommentReadUsecase.Settings.defaults().localTtl();

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Fakes.Repo repo;
    private Fakes.Cache cache;
    private HotKeyDetector heat;
    private CommentReadUsecase reads;
    private Reply first;

    @BeforeEach
    void setUp() {
        repo = new Fakes.Repo();
        cache = new Fakes.Cache();
        Fakes.Subjects subjects = new Fakes.Subjects();
        subjects.owners.put(VIDEO, 7L);
        subjects.owners.put(QUIET, 7L);
        heat = new HotKeyDetector("comment.subject", new HeavyKeeper(HeavyKeeper.Settings.forTopK(32)),
                new HotKeyDetector.Settings(MIN_READS, WINDOW), now::get, meters);
        reads = new CommentReadUsecase(cache, repo, new Fakes.Events(), subjects, heat,
                CommentReadUsecase.Settings.defaults(), Clock.systemUTC(), now::get);
        first = repo.add(VIDEO, 101, 0, 0, "first");
        repo.add(QUIET, 101, 0, 0, "quiet");
        cache.warm(repo, VIDEO);
        cache.warm(repo, QUIET);
    }

    private List<Long> page1(SubjectKey key) {
        return reads.listRoots(key, Sort.TIME, 1, 20, 0).replies().stream().map(ReplyNode::rpid).toList();
    }

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    /** Reads page 1 until the subject is hot: {@code MIN_READS} reads, every one of them a load. */
    private void heatUp(SubjectKey key) {
        for (int i = 0; i < MIN_READS; i++) {
            page1(key);
        }
        assertThat(heat.isHot(CommentReadUsecase.heatName(key))).isTrue();
    }

    @Test
    void aSubjectTurnsHotOnTheReadThatReachesTheMinimumAndIsThenServedLocally() {
        for (int i = 1; i < MIN_READS; i++) {
            assertThat(page1(VIDEO)).containsExactly(first.rpid());
        }
        assertThat(heat.isHot("1:42")).isFalse();
        assertThat(cache.rootPageCalls.get()).isEqualTo(MIN_READS - 1);

        assertThat(page1(VIDEO)).containsExactly(first.rpid()); // the 50th: hot, loaded once more and kept
        assertThat(heat.isHot("1:42")).isTrue();
        assertThat(cache.rootPageCalls.get()).isEqualTo(MIN_READS);

        for (int i = 0; i < 200; i++) {
            assertThat(page1(VIDEO)).containsExactly(first.rpid());
        }
        assertThat(cache.rootPageCalls.get()).isEqualTo(MIN_READS);
        assertThat(reads.stats().localHits()).isEqualTo(200);
        assertThat(meters.get(HotKeyMetricNames.PROMOTED).tag(HotKeyMetricNames.CACHE, "comment.subject").counter()
                .count()).isEqualTo(1);
        assertThat(meters.get(HotKeyMetricNames.HOT).tag(HotKeyMetricNames.CACHE, "comment.subject").gauge()
                .value()).isEqualTo(1);
    }

    @Test
    void aHotSubjectsPageIsLoadedOncePerTtlHoweverManyReadersPileUp() throws Exception {
        heatUp(VIDEO);
        advance(TTL.plusMillis(1)); // the copy the 50th read kept has expired
        int loads = cache.rootPageCalls.get();
        cache.rootPageDelayMillis = 50; // a slow Redis: the readers overlap the one load
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<Long>>> pages = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                pages.add(pool.submit(() -> {
                    go.await();
                    return page1(VIDEO);
                }));
            }
            go.countDown();
            for (Future<List<Long>> f : pages) {
                assertThat(f.get()).containsExactly(first.rpid());
            }
        }
        assertThat(cache.rootPageCalls.get()).isEqualTo(loads + 1);
        cache.rootPageDelayMillis = 0;

        // a new comment shows after at most one TTL: the page is not invalidated, it expires
        Reply second = repo.add(VIDEO, 102, 0, 0, "second");
        cache.warm(repo, VIDEO);
        advance(TTL.minusMillis(1));
        assertThat(page1(VIDEO)).containsExactly(first.rpid());
        advance(Duration.ofMillis(2));
        assertThat(page1(VIDEO)).containsExactly(second.rpid(), first.rpid());
        assertThat(cache.rootPageCalls.get()).isEqualTo(loads + 2);
    }

    @Test
    void aColdSubjectAlwaysGoesToTheLoaderWhileAnotherIsHot() {
        heatUp(VIDEO);
        long hits = reads.stats().localHits();
        int loads = cache.rootPageCalls.get();
        for (int i = 0; i < MIN_READS - 1; i++) {
            assertThat(page1(QUIET)).hasSize(1);
            page1(VIDEO);
        }
        assertThat(heat.isHot("1:43")).isFalse();
        assertThat(cache.rootPageCalls.get()).isEqualTo(loads + MIN_READS - 1); // every quiet read, no hot one
        assertThat(reads.stats().localHits()).isEqualTo(hits + MIN_READS - 1);
    }

    @Test
    void deepPagesHeatTheSubjectButAreNeverKept() {
        int localPages = CommentReadUsecase.Settings.defaults().localPages();
        for (int i = 0; i < MIN_READS + 10; i++) {
            reads.listRoots(VIDEO, Sort.TIME, localPages + 1, 20, 0);
        }
        assertThat(cache.rootPageCalls.get()).isEqualTo(MIN_READS + 10);
        assertThat(heat.isHot("1:42")).isTrue();
        // the subject is hot through its deep pages: page 1 is loaded once and then kept
        page1(VIDEO);
        page1(VIDEO);
        assertThat(cache.rootPageCalls.get()).isEqualTo(MIN_READS + 11);
        assertThat(reads.stats().localHits()).isEqualTo(1);
    }

    @Test
    void aSubjectCoolsWhenItsReadsStopAndLeavesTheTopKeys() {
        heatUp(VIDEO);
        advance(WINDOW); // a window without reads halves its 50 reads to 25: below the minimum
        int loads = cache.rootPageCalls.get();
        for (int i = 0; i < 5; i++) {
            page1(VIDEO);
        }
        assertThat(heat.isHot("1:42")).isFalse();
        assertThat(cache.rootPageCalls.get()).isEqualTo(loads + 5);

        advance(WINDOW.multipliedBy(6)); // 30 halved six times is 0: gone from the top keys
        heat.fadeIfDue();
        assertThat(heat.hot()).isEmpty();
        assertThat(meters.get(HotKeyMetricNames.HOT).tag(HotKeyMetricNames.CACHE, "comment.subject").gauge()
                .value()).isZero();
    }
}
