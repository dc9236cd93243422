package dev.plaza.bench;

import dev.plaza.kit.id.Snowflake;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The kit's snowflake algorithm behind a lock instead of a CAS, kept only as the comparison point for
 * {@link SnowflakeBenchmark}. Same layout, epoch and
 * per-millisecond ceiling; a clock step back simply reuses the last millisecond (the benchmark clock does not step
 * back).
 */
final class LockedSnowflake {
    private final ReentrantLock lock = new ReentrantLock();
    private final long workerBits;
    private final LongSupplier millisClock;
    private long lastMillis = -1;
    private long sequence;

    LockedSnowflake(long workerId, LongSupplier millisClock) {
        this.workerBits = workerId << Snowflake.SEQUENCE_BITS;
        this.millisClock = millisClock;
    }

    long nextId() {
        lock.lock();
        try {
            long now = millisClock.getAsLong() - Snowflake.EPOCH;
            if (now > lastMillis) {
                lastMillis = now;
                sequence = 0;
            } else if (sequence < Snowflake.MAX_SEQUENCE) {
                sequence++;
            } else {
                while (now <= lastMillis) {
                    Thread.onSpinWait();
                    now = millisClock.getAsLong() - Snowflake.EPOCH;
                }
                lastMillis = now;
                sequence = 0;
            }
            return (lastMillis << (Snowflake.WORKER_BITS + Snowflake.SEQUENCE_BITS)) | workerBits | sequence;
        } finally {
            lock.unlock();
        }
    }
}
