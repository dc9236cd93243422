package dev.plaza.kit.breaker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * Two event counts (requests and accepts, requests and retries) over a sliding time window: a ring of buckets, each
 * covering {@code window / buckets} of time. Nothing runs in the background: a bucket found holding an older slice of
 * time is replaced by the first writer that needs it, and readers skip buckets that fell out of the window.
 *
 * <p>Both counts of a bucket live in one {@code long} (high and low 32 bits), so an event is one atomic add and a
 * reader never sees half of it. 2^32 events per bucket (a quarter of a second by default) is out of reach.
 *
 * <p>Reads are O(1): the finished buckets of the window are summed once per bucket period and cached; only the
 * current bucket is read live. So a reader scans the ring four times a second, not on every call.
 *
 * <p>Counts are approximate at bucket edges by design: an add racing the replacement of its bucket, or landing in a
 * bucket just finished and already summed, may be missed. Throttling decisions over thousands of calls do not notice
 * one call.
 */
final class RollingCounter {
    private static final long LOW = 0xFFFF_FFFFL;

    private final AtomicReferenceArray<Bucket> ring;
    private final long bucketNanos;
    private final LongSupplier nanoClock;
    private volatile Past past = new Past(Long.MIN_VALUE, 0, 0);

    RollingCounter(Duration window, int buckets, LongSupplier nanoClock) {
        this.bucketNanos = window.toNanos() / buckets;
        if (bucketNanos <= 0) {
            throw new IllegalArgumentException("window " + window + " is too short for " + buckets + " buckets");
        }
        this.nanoClock = nanoClock;
        this.ring = new AtomicReferenceArray<>(buckets);
        Bucket never = new Bucket(Long.MIN_VALUE); // older than any window: every slot starts empty
        for (int i = 0; i < buckets; i++) {
            ring.set(i, never);
        }
    }

    /** Counts {@code first} and {@code second} events now (each 0 or a small positive number). */
    void add(int first, int second) {
        long epoch = Math.floorDiv(nanoClock.getAsLong(), bucketNanos);
        int slot = slot(epoch);
        Bucket bucket = ring.get(slot);
        while (bucket.epoch < epoch) {
            Bucket fresh = new Bucket(epoch);
            bucket = ring.compareAndExchange(slot, bucket, fresh) == bucket ? fresh : ring.get(slot);
        }
        // a bucket newer than our clock read (we were descheduled for a whole window) is the nearest one: count there
        bucket.addAndGet(((long) first << 32) + second);
    }

    /** The counts of the buckets still inside the window, the current (partial) one included. */
    Totals totals() {
        long epoch = Math.floorDiv(nanoClock.getAsLong(), bucketNanos);
        Past sums = past;
        if (sums.epoch != epoch) {
            sums = sumBefore(epoch);
            past = sums; // racing threads compute the same sums; the last write is as good as any
        }
        Bucket current = ring.get(slot(epoch));
        long packed = current.epoch == epoch ? current.get() : 0;
        return new Totals(sums.first + (packed >>> 32), sums.second + (packed & LOW));
    }

    /** The finished buckets of the window ending at {@code epoch}: they change no more, so sum them once per bucket. */
    private Past sumBefore(long epoch) {
        long oldest = epoch - ring.length() + 1;
        long first = 0;
        long second = 0;
        for (int i = 0; i < ring.length(); i++) {
            Bucket bucket = ring.get(i);
            if (bucket.epoch >= oldest && bucket.epoch < epoch) {
                long packed = bucket.get();
                first += packed >>> 32;
                second += packed & LOW;
            }
        }
        return new Past(epoch, first, second);
    }

    private int slot(long epoch) {
        return (int) Math.floorMod(epoch, (long) ring.length());
    }

    record Totals(long first, long second) {
    }

    /** Sums of the buckets before {@code epoch} that are still in its window. */
    private record Past(long epoch, long first, long second) {
    }

    /** The count itself is the AtomicLong: one object and one indirection per bucket on the hot path. */
    @SuppressWarnings("serial")
    private static final class Bucket extends AtomicLong {
        final long epoch; // which slice of time (nanos / bucketNanos) this bucket counts

        Bucket(long epoch) {
            this.epoch = epoch;
        }
    }
}
