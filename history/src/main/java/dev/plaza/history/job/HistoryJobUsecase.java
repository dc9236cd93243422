package dev.plaza.history.job;

import dev.plaza.history.biz.HistoryCache;
import dev.plaza.history.biz.HistoryKey;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.history.biz.HistoryStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the job does with a batch of flushed records: per key, the newest of the records in the messages and the one
 * in Redis (Redis usually has a newer report than the flush that named it), then one batched upsert into the store.
 * Idempotent: the store keeps the newest per key, so a redelivered batch changes nothing.
 */
public final class HistoryJobUsecase {
    private final HistoryCache cache;
    private final HistoryStore store;
    private final Counter fromRedis;
    private final Counter fromMessage;
    private final Counter rowsWritten;
    private final Counter skippedDeleted;

    public HistoryJobUsecase(HistoryCache cache, HistoryStore store, MeterRegistry meters) {
        this.cache = cache;
        this.store = store;
        this.fromRedis = Counter.builder("history.job.records").tag("source", "redis")
                .description("records written by the job, by where the newest version came from").register(meters);
        this.fromMessage = Counter.builder("history.job.records").tag("source", "message")
                .description("records written by the job, by where the newest version came from").register(meters);
        this.rowsWritten = Counter.builder("history.job.rows")
                .description("affected store rows (MySQL counting: 1 per insert, 2 per update)").register(meters);
        this.skippedDeleted = Counter.builder("history.job.deleted")
                .description("flushed records not written because the user deleted them after reporting")
                .register(meters);
    }

    /** @return the records written (one per key) */
    public List<HistoryRecord> apply(List<HistoryRecord> flushed) {
        Map<HistoryKey, HistoryRecord> newest = new LinkedHashMap<>();
        for (HistoryRecord r : flushed) {
            HistoryRecord old = newest.get(r.key());
            if (old == null || old.isReplacedBy(r)) {
                newest.put(r.key(), r);
            }
        }
        if (newest.isEmpty()) {
            return List.of();
        }
        Map<HistoryKey, HistoryRecord> inRedis = cache.latest(newest.keySet());
        Map<HistoryKey, Long> deleted = cache.deletedAt(newest.keySet());
        List<HistoryRecord> out = new ArrayList<>(newest.size());
        for (HistoryRecord r : newest.values()) {
            HistoryRecord cached = inRedis.get(r.key());
            Long deletedAt = deleted.get(r.key());
            if (cached == null && deletedAt != null && r.viewAt() <= deletedAt) {
                skippedDeleted.increment(); // reported before the user deleted it: must not come back
                continue;
            }
            if (cached != null && r.isReplacedBy(cached)) {
                out.add(cached);
                fromRedis.increment();
            } else {
                out.add(r);
                fromMessage.increment();
            }
        }
        if (!out.isEmpty()) {
            rowsWritten.increment(store.upsert(out));
        }
        return out;
    }
}
