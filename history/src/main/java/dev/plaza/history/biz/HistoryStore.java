package dev.plaza.history.biz;

import java.util.Collection;
import java.util.List;

/**
 * The durable side of history: a MySQL-protocol table sharded by mid (TiDB in production), written in batches by the
 * job. Every write is idempotent: a record replaces the stored one only when it is at least as recent.
 */
public interface HistoryStore {
    /** Upserts the records (newest wins per key); returns how many rows changed. */
    int upsert(Collection<HistoryRecord> records);

    /** Like {@link HistoryCache#list}: newest first, strictly older than {@code beforeViewAt} (0 = newest). */
    List<HistoryRecord> list(long mid, long beforeViewAt, Business business, int limit);

    void delete(long mid, Collection<Kid> kids);

    void clear(long mid);

    /** Deletes up to {@code limit} records viewed before {@code viewAtBefore} (Unix ms); returns how many. */
    int purgeBefore(long viewAtBefore, int limit);
}
