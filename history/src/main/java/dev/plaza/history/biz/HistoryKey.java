package dev.plaza.history.biz;

/** The key of one record: a user and what they watched. */
public record HistoryKey(long mid, Kid kid) {
    public HistoryKey {
        if (mid <= 0) {
            throw new IllegalArgumentException("mid must be positive, was " + mid);
        }
        if (kid == null) {
            throw new IllegalArgumentException("kid is required");
        }
    }
}
