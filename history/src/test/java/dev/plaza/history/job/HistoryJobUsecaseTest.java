package dev.plaza.history.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.history.biz.Fakes;
import dev.plaza.history.biz.HistoryKey;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.history.biz.Kid;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryJobUsecaseTest {
    private final Fakes.Cache redis = new Fakes.Cache();
    private final Fakes.Store store = new Fakes.Store();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final HistoryJobUsecase job = new HistoryJobUsecase(redis, store, meters);

    private static HistoryRecord rec(long mid, long aid, long progress, long viewAt) {
        return new HistoryRecord(new HistoryKey(mid, Kid.archive(aid)), 1, progress, "web", viewAt);
    }

    @Test
    void theNewestOfMessageAndRedisIsWrittenOncePerKey() {
        redis.putAll(List.of(rec(1, 10, 90, 9_000)));   // Redis moved on since the flush
        job.apply(List.of(rec(1, 10, 30, 3_000), rec(1, 10, 60, 6_000), // two flushes of one key in one batch
                rec(2, 20, 5, 5_000)));                               // Redis lost this one (trimmed or flushed)
        assertThat(store.get(new HistoryKey(1, Kid.archive(10))).orElseThrow().progress()).isEqualTo(90);
        assertThat(store.get(new HistoryKey(2, Kid.archive(20))).orElseThrow().progress()).isEqualTo(5);
        assertThat(meters.get("history.job.records").tag("source", "redis").counter().count()).isEqualTo(1);
        assertThat(meters.get("history.job.records").tag("source", "message").counter().count()).isEqualTo(1);
    }

    @Test
    void aRecordReportedBeforeTheUserDeletedItIsNotWrittenBack() {
        redis.delete(1, List.of(Kid.archive(10)), 5_000);
        redis.clear(2, 5_000);
        job.apply(List.of(rec(1, 10, 30, 4_000),   // in flight when the user deleted it
                rec(1, 11, 30, 4_000),             // another video: not deleted
                rec(2, 20, 30, 4_999),             // before the clear
                rec(2, 21, 30, 6_000)));           // watched after the clear
        assertThat(store.get(new HistoryKey(1, Kid.archive(10)))).isEmpty();
        assertThat(store.get(new HistoryKey(1, Kid.archive(11)))).isPresent();
        assertThat(store.get(new HistoryKey(2, Kid.archive(20)))).isEmpty();
        assertThat(store.get(new HistoryKey(2, Kid.archive(21)))).isPresent();
        assertThat(meters.get("history.job.deleted").counter().count()).isEqualTo(2);
    }

    @Test
    void aRedeliveredBatchChangesNothing() {
        List<HistoryRecord> batch = List.of(rec(1, 10, 30, 3_000));
        job.apply(batch);
        store.upsert(List.of(rec(1, 10, 70, 7_000))); // a later batch already wrote a newer record
        job.apply(batch);
        assertThat(store.get(new HistoryKey(1, Kid.archive(10))).orElseThrow().progress()).isEqualTo(70);
        assertThat(job.apply(List.of())).isEmpty();
    }
}
