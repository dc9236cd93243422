package dev.plaza.kit.limit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * A ring of time buckets, each counting the requests that completed in it and the sum of their response times.
 * Buckets are reused lazily: the first writer of a new period claims the slot (one CAS) and clears it, so nothing
 * runs on a timer and an idle window costs nothing. Readers skip slots whose period has left the window.
 *
 * <p>Counts are estimates, not bills: a completion racing a bucket's reset may be lost. That is a handful of samples
 * in a bucket of hundreds, and it keeps the write path free of locks.
 */
final class RollingWindow {
    private static final VarHandle PERIOD;

    static {
        try {
            PERIOD = MethodHandles.lookup().findVarHandle(Bucket.class, "period", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Bucket[] ring;
    private final long bucketNanos;

    RollingWindow(int buckets, long bucketNanos) {
        if (buckets < 2) {
            throw new IllegalArgumentException("a window needs at least 2 buckets (one filling, one full), got "
                    + buckets);
        }
        if (bucketNanos <= 0) {
            throw new IllegalArgumentException("bucket duration must be positive, got " + bucketNanos + " ns");
        }
        this.ring = new Bucket[buckets];
        for (int i = 0; i < buckets; i++) {
            ring[i] = new Bucket();
        }
        this.bucketNanos = bucketNanos;
    }

    /** The number of the bucket period {@code nanos} falls in (periods count from the clock's origin). */
    long periodOf(long nanos) {
        return Math.floorDiv(nanos, bucketNanos);
    }

    /** Counts one completed request with its response time into the bucket of {@code nowNanos}. */
    void record(long nowNanos, long rtNanos) {
        long period = periodOf(nowNanos);
        Bucket b = ring[(int) Math.floorMod(period, ring.length)];
        long seen = b.period;
        if (seen != period) {
            if (seen > period) {
                return; // a writer stalled for a whole window: its sample belongs to a bucket long gone
            }
            if (PERIOD.compareAndSet(b, seen, period)) {
                b.count.reset();
                b.rtNanos.reset();
            }
        }
        b.count.increment();
        b.rtNanos.add(rtNanos);
    }

    /**
     * Max count and min average response time over the full buckets of the window that ends with the bucket of
     * {@code period}, that bucket excluded (it is still filling: its count would read low).
     */
    Summary summarize(long period) {
        long maxCount = 0;
        double minAvgNanos = Double.MAX_VALUE;
        for (long p = period - ring.length + 1; p < period; p++) {
            Bucket b = ring[(int) Math.floorMod(p, ring.length)];
            if (b.period != p) {
                continue; // nothing completed in that period (or the slot was already reused)
            }
            long count = b.count.sum();
            if (count <= 0) {
                continue;
            }
            maxCount = Math.max(maxCount, count);
            minAvgNanos = Math.min(minAvgNanos, (double) b.rtNanos.sum() / count);
        }
        return new Summary(maxCount, maxCount == 0 ? 0 : minAvgNanos);
    }

    int buckets() {
        return ring.length;
    }

    long bucketNanos() {
        return bucketNanos;
    }

    /** @param minAvgRtNanos 0 when no full bucket had a completion */
    record Summary(long maxCount, double minAvgRtNanos) {
    }

    private static final class Bucket {
        @SuppressWarnings("unused") // through PERIOD
        volatile long period = Long.MIN_VALUE;
        final LongAdder count = new LongAdder();
        final LongAdder rtNanos = new LongAdder();
    }
}
