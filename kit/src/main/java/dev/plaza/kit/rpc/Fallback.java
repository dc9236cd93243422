package dev.plaza.kit.rpc;

/**
 * What a client answers in place of a dependency that failed (unavailable, overloaded, timed out, throttled by its
 * breaker or bulkhead), for the methods configured so. The caller gets an answer marked degraded
 * ({@link Degradations}) instead of an error.
 */
public enum Fallback {
    /** The last good answer to the same request, if this client has one (kept a while); else the error. */
    STALE,
    /** The reply type's default: empty lists, zero counts, empty strings. */
    EMPTY,
    /** The last good answer if any, else the default. */
    STALE_OR_EMPTY
}
