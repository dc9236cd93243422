package dev.plaza.kit.limit;

/**
 * How much a request matters when the limiter must shed load. While dropping, {@link #SHEDDABLE} requests go first
 * (at {@value BbrLimiter#SHEDDABLE_SHARE} of the in-flight limit), {@link #CRITICAL} ones last (only above
 * {@value BbrLimiter#CRITICAL_SHARE} times it). Outside overload they are all treated the same.
 */
public enum Criticality {
    /** Losing it hurts the user now: logging in, posting a comment. */
    CRITICAL,
    DEFAULT,
    /** Retried or not missed: prefetches, counters, background refreshes. */
    SHEDDABLE;

    /**
     * The gRPC metadata key a caller sets it in. A global ({@code x-md-global-*}) key: set once at the edge, it
     * travels with the request through every service it reaches.
     */
    public static final String METADATA_KEY = "x-md-global-criticality";

    /** Parses a header value (case-insensitive); anything unknown or absent is {@link #DEFAULT}. */
    public static Criticality parse(String value) {
        if (value == null) {
            return DEFAULT;
        }
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "critical" -> CRITICAL;
            case "sheddable" -> SHEDDABLE;
            default -> DEFAULT;
        };
    }
}
