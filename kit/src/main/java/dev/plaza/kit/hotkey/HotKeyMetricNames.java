package dev.plaza.kit.hotkey;

/**
 * The meters of {@link HotKeyDetector}. Prometheus sees {@code plaza_hotkey_hot} and
 * {@code plaza_hotkey_promoted_total}. The {@link #CACHE} tag is the detector's name (one per use, e.g.
 * {@code comment.subject}), never a key: the keys themselves are read with {@link HotKeyDetector#hot()}.
 */
public final class HotKeyMetricNames {
    /** Gauge, tag {@link #CACHE}: keys that are hot now (in the top K with at least the minimum count). */
    public static final String HOT = "plaza.hotkey.hot";
    /** Counter, tag {@link #CACHE}: times a key turned hot (a key that cools down and heats up again counts twice). */
    public static final String PROMOTED = "plaza.hotkey.promoted";

    public static final String CACHE = "cache";

    private HotKeyMetricNames() {
    }
}
