package dev.plaza.history.biz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HistoryMergerTest {
    /** Records what was published; fails the next {@code failures} calls. */
    static final class Sink implements FlushSink {
        record Message(int region, List<HistoryRecord> records) {
        }

        final List<Message> messages = new CopyOnWriteArrayList<>();
        final AtomicInteger failures = new AtomicInteger();

        @Override
        public void publish(int region, List<HistoryRecord> records) {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("broker away");
            }
            messages.add(new Message(region, records));
        }

        List<HistoryRecord> all() {
            return messages.stream().flatMap(m -> m.records().stream()).toList();
        }
    }

    private final Sink sink = new Sink();

    private static HistoryRecord rec(long mid, long aid, long progress, long viewAt) {
        return new HistoryRecord(new HistoryKey(mid, Kid.archive(aid)), 1, progress, "web", viewAt);
    }

    private static Duration hour() {
        return Duration.ofHours(1);
    }

    @Test
    void theLatestReportOfAKeyWinsAndOneRecordLeaves() {
        HistoryMerger m = new HistoryMerger(sink, new HistoryMerger.Settings(hour(), 1000, 4, 100));
        assertThat(m.offer(rec(7, 100, 10, 1_000))).isTrue();
        assertThat(m.offer(rec(7, 100, 30, 3_000))).isTrue();
        assertThat(m.offer(rec(7, 100, 20, 2_000))).isTrue(); // late and older: ignored
        assertThat(m.offer(rec(7, 101, 5, 2_500))).isTrue();
        m.flush();
        assertThat(sink.all()).extracting(HistoryRecord::progress).containsExactlyInAnyOrder(30L, 5L);
        assertThat(m.stats().offered()).isEqualTo(4);
        assertThat(m.stats().recordsOut()).isEqualTo(2);
        assertThat(m.pending()).isZero();
        m.flush(); // nothing pending: nothing sent
        assertThat(sink.messages).hasSize(1);
    }

    @Test
    void oneMessagePerRegionSplitAtTheMessageSize() {
        HistoryMerger m = new HistoryMerger(sink, new HistoryMerger.Settings(hour(), 10_000, 4, 10));
        for (long mid = 1; mid <= 100; mid++) {
            m.offer(rec(mid, 100, 1, 1_000));
        }
        m.flush();
        assertThat(sink.all()).hasSize(100);
        for (Sink.Message msg : sink.messages) {
            assertThat(msg.records()).hasSizeLessThanOrEqualTo(10)
                    .allSatisfy(r -> assertThat(r.mid() % 4).isEqualTo(msg.region()));
        }
        Map<Integer, Integer> perRegion = sink.messages.stream()
                .collect(Collectors.groupingBy(Sink.Message::region, Collectors.summingInt(x -> x.records().size())));
        assertThat(perRegion).containsOnlyKeys(0, 1, 2, 3).allSatisfy((region, n) -> assertThat(n).isEqualTo(25));
    }

    @Test
    void aFailedFlushKeepsTheRecordsAndANewerReportWins() {
        HistoryMerger m = new HistoryMerger(sink, new HistoryMerger.Settings(hour(), 1000, 1, 100));
        m.offer(rec(7, 100, 10, 1_000));
        sink.failures.set(1);
        assertThatThrownBy(m::flush).hasMessageContaining("broker away");
        assertThat(m.pending()).isEqualTo(1);
        assertThat(m.stats().failedFlushes()).isEqualTo(1);
        m.offer(rec(7, 100, 40, 4_000)); // arrived while the failed batch was out: it must win
        m.flush();
        assertThat(sink.all()).extracting(HistoryRecord::progress).containsExactly(40L);
    }

    @Test
    void aFlushStopsAtTheFirstRefusedMessageAndKeepsEverythingUnsent() {
        HistoryMerger m = new HistoryMerger(sink, new HistoryMerger.Settings(hour(), 1000, 4, 1));
        for (long mid = 1; mid <= 8; mid++) {
            m.offer(rec(mid, 100, 1, 1_000));
        }
        AtomicInteger attempts = new AtomicInteger();
        HistoryMerger counting = new HistoryMerger((region, rs) -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("broker away");
        }, new HistoryMerger.Settings(hour(), 1000, 4, 1));
        for (long mid = 1; mid <= 8; mid++) {
            counting.offer(rec(mid, 100, 1, 1_000));
        }
        assertThatThrownBy(counting::flush).hasMessageContaining("broker away");
        assertThat(attempts.get()).as("one send timeout, not eight").isEqualTo(1);
        assertThat(counting.pending()).isEqualTo(8);
        m.flush();
        assertThat(sink.messages).hasSize(8);
    }

    @Test
    void whileTheSinkFailsPendingIsBoundedAndNewKeysAreRefused() {
        HistoryMerger m = new HistoryMerger(sink, new HistoryMerger.Settings(hour(), 2, 1, 100));
        for (long aid = 1; aid <= 8; aid++) {
            assertThat(m.offer(rec(7, aid, 1, 1_000))).isTrue();
        }
        assertThat(m.offer(rec(7, 9, 1, 1_000))).as("a ninth key is over 4 x maxPending").isFalse();
        assertThat(m.offer(rec(7, 3, 2, 2_000))).as("a key already pending still merges").isTrue();
        assertThat(m.stats().refused()).isEqualTo(1);
        m.flush();
        assertThat(m.offer(rec(7, 9, 1, 1_000))).isTrue();
    }

    @Test
    void sizeTriggersAFlushBeforeTheIntervalAndCloseFlushesTheRest() throws Exception {
        HistoryMerger m = new HistoryMerger(sink, new HistoryMerger.Settings(hour(), 50, 2, 1000));
        m.start();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int t = 0; t < 4; t++) {
                long base = t * 1000L;
                pool.submit(() -> {
                    for (long i = 1; i <= 30; i++) {
                        m.offer(rec(base + i, 100, i, 1_000 + i));
                    }
                });
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> !sink.messages.isEmpty());
        m.offer(rec(99_999, 1, 1, 5_000));
        m.close(Duration.ofSeconds(5));
        List<HistoryRecord> out = new ArrayList<>(sink.all());
        assertThat(out).hasSize(121);
        assertThat(out.stream().map(HistoryRecord::key).distinct()).hasSize(121);
        assertThat(m.pending()).isZero();
    }

    @Test
    void closeRetriesAFailingSinkUntilItTakesTheRecords() {
        HistoryMerger m = new HistoryMerger(sink, new HistoryMerger.Settings(hour(), 1000, 1, 100));
        m.offer(rec(7, 100, 10, 1_000));
        sink.failures.set(3);
        m.close(Duration.ofSeconds(5));
        assertThat(sink.all()).hasSize(1);
        assertThat(m.pending()).isZero();
    }
}
