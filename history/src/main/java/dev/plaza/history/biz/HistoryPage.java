package dev.plaza.history.biz;

import java.util.List;

/**
 * A page of a user's history, newest first.
 *
 * @param nextViewAt the cursor for the next page (the last record's viewAt), 0 when there is none
 */
public record HistoryPage(List<HistoryRecord> records, long nextViewAt) {
    public HistoryPage {
        records = List.copyOf(records);
    }
}
