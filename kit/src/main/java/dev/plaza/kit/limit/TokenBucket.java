package dev.plaza.kit.limit;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A token bucket: {@code burst} tokens at most, refilled at {@code ratePerSecond}. Kept as one atomic long, the
 * theoretical arrival time of GCRA (when the bucket would be full again), so a take is a read and a compare-and-set,
 * with no lock and no refill thread.
 */
public final class TokenBucket {
    private final long nanosPerToken;
    private final long burstNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong tat;

    public TokenBucket(double ratePerSecond, int burst, LongSupplier nanoClock) {
        if (!(ratePerSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("rate must be positive and burst at least 1, got " + ratePerSecond
                    + "/s and " + burst);
        }
        this.nanosPerToken = Math.max(1, (long) (1_000_000_000L / ratePerSecond));
        this.burstNanos = nanosPerToken * burst;
        this.nanoClock = nanoClock;
        this.tat = new AtomicLong(nanoClock.getAsLong());
    }

    /** Takes one token; false when none is left (nothing is taken then). */
    public boolean tryTake() {
        long now = nanoClock.getAsLong();
        while (true) {
            long current = tat.get();
            long next = Math.max(current, now) + nanosPerToken;
            if (next - now > burstNanos) {
                return false;
            }
            if (tat.compareAndSet(current, next)) {
                return true;
            }
        }
    }
}
