package dev.plaza.kit.hotkey;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.random.RandomGenerator;

/**
 * HeavyKeeper's sketch: {@code depth} rows of {@code width} buckets, each bucket a (fingerprint, count) pair packed
 * into one {@code long} so it can be changed with one compare-and-set. A key maps to one bucket per row. In its
 * bucket a key's own fingerprint counts up; a different fingerprint is knocked down by one with probability
 * {@code decay^count}, and the key takes the bucket over when it reaches zero. Small counts (the long tail) are
 * replaced quickly, large ones (elephants) practically never, which is why the estimates of big keys are close to
 * exact while memory stays {@code width * depth * 8} bytes however many keys pass through.
 *
 * <p>Lock-free: every bucket is one CAS word, so adders never wait for each other; a lost CAS re-reads and redoes
 * that bucket. The decay draw comes from the {@link RandomGenerator} handed in by the caller.
 */
final class Buckets {
    /** Beyond this count decay^count is below 1e-8 (for 0.925): one table entry serves all larger counts. */
    static final int TABLE_SIZE = 256;
    private static final long COUNT_MASK = 0xFFFF_FFFFL;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final int width;
    private final int depth;
    private final AtomicLongArray cells;
    /** decay^c as a threshold on 53 random bits, so one decision is a shift and a compare, no pow and no double. */
    private final long[] decayThreshold = new long[TABLE_SIZE];

    Buckets(int width, int depth, double decay) {
        this.width = width;
        this.depth = depth;
        this.cells = new AtomicLongArray(width * depth);
        for (int c = 0; c < TABLE_SIZE; c++) {
            decayThreshold[c] = (long) (Math.pow(decay, c) * (1L << 53));
        }
    }

    /**
     * Adds {@code incr} to the key with hash {@code h} in every row and returns its estimate: the largest count among
     * the buckets that now hold its fingerprint (0 when every row kept another key).
     */
    long add(long h, int incr, RandomGenerator random) {
        int fp = (int) h;
        long estimate = 0;
        for (int r = 0; r < depth; r++) {
            int i = cell(h, r);
            while (true) {
                long b = cells.get(i);
                long count = b & COUNT_MASK;
                long next;
                long mine;
                if (count == 0) {
                    next = pack(fp, incr);
                    mine = incr;
                } else if ((int) (b >>> 32) == fp) {
                    mine = Math.min(count + incr, COUNT_MASK);
                    next = pack(fp, mine);
                } else {
                    // each unit of incr is one chance to knock the holder down; at zero the rest is ours
                    long c = count;
                    int left = incr;
                    while (left > 0 && c > 0) {
                        if (random.nextLong() >>> 11 < decayThreshold[(int) Math.min(c, TABLE_SIZE - 1)]) {
                            c--;
                        }
                        if (c > 0) {
                            left--;
                        }
                    }
                    if (c == count) {
                        break; // nothing changed: no write, so heavy buckets stay read-shared between cores
                    }
                    if (c == 0) {
                        next = pack(fp, left);
                        mine = left;
                    } else {
                        next = (b & ~COUNT_MASK) | c;
                        mine = 0;
                    }
                }
                if (cells.compareAndSet(i, b, next)) {
                    estimate = Math.max(estimate, mine);
                    break;
                }
            }
        }
        return estimate;
    }

    /** The key's estimate without adding to it. */
    long estimate(long h) {
        int fp = (int) h;
        long estimate = 0;
        for (int r = 0; r < depth; r++) {
            long b = cells.get(cell(h, r));
            if ((int) (b >>> 32) == fp) {
                estimate = Math.max(estimate, b & COUNT_MASK);
            }
        }
        return estimate;
    }

    /** Halves every count; a bucket that reaches zero is free again. Concurrent adds are kept (CAS per bucket). */
    void halve() {
        for (int i = 0; i < cells.length(); i++) {
            long b;
            long next;
            do {
                b = cells.get(i);
                next = (b & ~COUNT_MASK) | ((b & COUNT_MASK) >>> 1);
            } while (b != next && !cells.compareAndSet(i, b, next));
        }
    }

    /** Row {@code r}'s bucket: an independent re-mix per row, reduced to [0, width) by multiply-shift (no modulo). */
    private int cell(long h, int r) {
        long rowHash = KeyHash.fmix64(h + (r + 1) * GOLDEN) >>> 32;
        return r * width + (int) ((rowHash * width) >>> 32);
    }

    private static long pack(int fp, long count) {
        return (long) fp << 32 | count;
    }
}
