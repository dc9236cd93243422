package dev.plaza.history.data.redis;

import dev.plaza.history.biz.Business;
import dev.plaza.history.biz.HistoryCache;
import dev.plaza.history.biz.HistoryKey;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.history.biz.Kid;
import dev.plaza.kit.batch.WriteCoalescer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The history cache with report writes grouped: every report is written to Redis before its caller returns, but
 * the reports of concurrent callers travel together, one pipelined batch per round trip (a player heartbeat is
 * one record, and one Redis round trip each cost more than the rest of the heartbeat). Reads, deletes and clears
 * go straight to the cache underneath.
 */
public final class CoalescingHistoryCache implements HistoryCache, AutoCloseable {
    /** Reports written in one batch at most. */
    public static final int MAX_BATCH = 256;
    /** Callers that may wait for a batch; beyond them reports are refused (-503) rather than queued. */
    public static final int MAX_WAITING = 20_000;

    private final HistoryCache cache;
    private final WriteCoalescer<Collection<HistoryRecord>> puts;

    public CoalescingHistoryCache(HistoryCache cache) {
        this.cache = cache;
        this.puts = new WriteCoalescer<>("history-cache", MAX_BATCH, MAX_WAITING, batch -> {
            List<HistoryRecord> all = new ArrayList<>();
            batch.forEach(all::addAll);
            cache.putAll(all);
        });
    }

    public void start() {
        puts.start();
    }

    public WriteCoalescer.Stats stats() {
        return puts.stats();
    }

    @Override
    public void putAll(Collection<HistoryRecord> records) {
        if (!records.isEmpty()) {
            puts.write(records);
        }
    }

    @Override
    public Map<HistoryKey, HistoryRecord> latest(Collection<HistoryKey> keys) {
        return cache.latest(keys);
    }

    @Override
    public Optional<HistoryRecord> get(HistoryKey key) {
        return cache.get(key);
    }

    @Override
    public List<HistoryRecord> list(long mid, long beforeViewAt, Business business, int limit) {
        return cache.list(mid, beforeViewAt, business, limit);
    }

    @Override
    public int size(long mid) {
        return cache.size(mid);
    }

    @Override
    public void delete(long mid, Collection<Kid> kids, long at) {
        cache.delete(mid, kids, at);
    }

    @Override
    public void clear(long mid, long at) {
        cache.clear(mid, at);
    }

    @Override
    public Map<HistoryKey, Long> deletedAt(Collection<HistoryKey> keys) {
        return cache.deletedAt(keys);
    }

    /** Writes what callers are waiting for, then stops. */
    @Override
    public void close() {
        puts.close();
    }
}
