package dev.plaza.history.biz;

/**
 * Where a user is in one object: the latest report wins (by {@code viewAt}, then by arrival).
 *
 * @param cid      the part (page) of a video being played; 0 when the business has none
 * @param progress seconds into the part; {@link #FINISHED} when played to the end
 * @param platform where it was played ({@code web}, {@code android}, ...), at most 32 characters
 * @param viewAt   Unix milliseconds of the report
 */
public record HistoryRecord(HistoryKey key, long cid, long progress, String platform, long viewAt) {
    public static final long FINISHED = -1;

    public HistoryRecord {
        if (key == null) {
            throw new IllegalArgumentException("key is required");
        }
        if (cid < 0) {
            throw new IllegalArgumentException("cid must not be negative");
        }
        if (progress < FINISHED) {
            throw new IllegalArgumentException("progress must be -1 (finished) or at least 0, was " + progress);
        }
        if (viewAt <= 0) {
            throw new IllegalArgumentException("viewAt must be positive");
        }
        platform = platform == null ? "" : platform;
    }

    public long mid() {
        return key.mid();
    }

    public Kid kid() {
        return key.kid();
    }

    /** True when {@code other} should replace this one: later, or as late and arrived later. */
    public boolean isReplacedBy(HistoryRecord other) {
        return other.viewAt >= viewAt;
    }
}
