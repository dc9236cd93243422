package dev.plaza.history.biz;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Redis side of history, where every report lands at once: the latest record per (mid, kid) and, per user, the
 * kids ordered by view time, capped to the newest {@code cap} per user. Readers are served from here first.
 */
public interface HistoryCache {
    /**
     * Stores each record unless the stored one for its key is newer (an older report arriving late changes
     * nothing), adds it to its user's list and trims the list to the cap (trimmed records are forgotten here; the
     * store keeps them).
     */
    void putAll(Collection<HistoryRecord> records);

    /** The latest records of these keys (missing keys are left out). The job reads what to write from here. */
    Map<HistoryKey, HistoryRecord> latest(Collection<HistoryKey> keys);

    /** One record (resume position for the player). */
    Optional<HistoryRecord> get(HistoryKey key);

    /**
     * A user's records, newest first, strictly older than the cursor ({@code beforeViewAt} 0 = from the newest),
     * optionally of one business, at most {@code limit}.
     */
    List<HistoryRecord> list(long mid, long beforeViewAt, Business business, int limit);

    /** How many records the user's list holds (at most the cap). */
    int size(long mid);

    /**
     * Forgets records and leaves a tombstone with the time of the delete, so that a report merged or flushed before
     * it cannot be written back to the store by the job ({@link #deletedAt}).
     */
    void delete(long mid, Collection<Kid> kids, long at);

    /** Forgets all of a user's records, with one tombstone for all of them. */
    void clear(long mid, long at);

    /**
     * When these keys were last deleted (a clear counts for every key of its user), for keys deleted within the
     * tombstone lifetime; others are left out.
     */
    Map<HistoryKey, Long> deletedAt(Collection<HistoryKey> keys);
}
