package dev.plaza.history.biz;

import java.util.List;

/**
 * Where merged reports go for the job: one message per region (users grouped by {@code mid % regions}) carrying the
 * latest record of each key the region had pending. The job writes, per key, the newer of that record and the one in
 * Redis, so a record trimmed from (or lost with) Redis still reaches the store. Returns when the broker has the
 * message; throws when it could not take it (the merger keeps the records and tries again).
 */
public interface FlushSink {
    void publish(int region, List<HistoryRecord> records);
}
