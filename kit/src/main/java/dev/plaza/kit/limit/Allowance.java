package dev.plaza.kit.limit;

/**
 * One admitted request. Call {@link #done()} (or close it) exactly when the request ends, successful or not: it
 * records the response time and frees the in-flight slot. A second call is ignored. Meant for one request on one
 * thread at a time; hand-offs between threads (a gRPC listener callback) are ordered by the framework.
 */
public final class Allowance implements AutoCloseable {
    private final BbrLimiter limiter;
    private final long startNanos;
    private boolean done;

    Allowance(BbrLimiter limiter, long startNanos) {
        this.limiter = limiter;
        this.startNanos = startNanos;
    }

    public void done() {
        if (done) {
            return;
        }
        done = true;
        limiter.complete(startNanos);
    }

    @Override
    public void close() {
        done();
    }
}
