package dev.plaza.kit.id;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 64-bit, time-ordered, unique ids: 1 sign bit (0) | 41 bits milliseconds since {@link #EPOCH} | 10 bits worker id |
 * 12 bits sequence. Up to 4,096 ids per millisecond per worker, for about 69 years from 2024.
 *
 * <p>Uniqueness needs a worker id no other live generator uses (see {@link WorkerIdLease}) and a clock that does not
 * run backwards: when the sequence of a millisecond is used up the caller spins to the next millisecond; when the
 * clock steps back by at most {@code maxBackwardMs} the caller waits until it has caught up; a larger step back
 * throws rather than risk handing out an id twice.
 *
 * <p>Thread-safe and lock-free: the last (millisecond, sequence) pair lives in one {@link AtomicLong} updated by CAS
 * (the benchmark in {@code bench} compares this against a lock).
 */
public final class Snowflake {
    /** 2024-01-01T00:00:00Z. */
    public static final long EPOCH = 1_704_067_200_000L;
    public static final int TIMESTAMP_BITS = 41;
    public static final int WORKER_BITS = 10;
    public static final int SEQUENCE_BITS = 12;
    public static final long MAX_WORKER_ID = (1L << WORKER_BITS) - 1;
    public static final long MAX_SEQUENCE = (1L << SEQUENCE_BITS) - 1;
    public static final long MAX_TIMESTAMP = (1L << TIMESTAMP_BITS) - 1;
    public static final long DEFAULT_MAX_BACKWARD_MS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(Snowflake.class);

    /** {@code (millisSinceEpoch << SEQUENCE_BITS) | sequence} of the last id handed out; -1 before the first. */
    private final AtomicLong last = new AtomicLong(-1);
    private final long workerId;
    private final long workerBits;
    private final LongSupplier millisClock;
    private final long maxBackwardMs;
    /** The millisecond we last complained about, so a stuck clock logs once, not once per call. */
    private volatile long loggedBackwardAt = Long.MIN_VALUE;

    public Snowflake(long workerId) {
        this(workerId, System::currentTimeMillis);
    }

    public Snowflake(long workerId, LongSupplier millisClock) {
        this(workerId, millisClock, DEFAULT_MAX_BACKWARD_MS);
    }

    /**
     * @param millisClock   wall-clock milliseconds since 1970 (tests pass a fake)
     * @param maxBackwardMs the largest clock step back waited out instead of failing
     */
    public Snowflake(long workerId, LongSupplier millisClock, long maxBackwardMs) {
        if (workerId < 0 || workerId > MAX_WORKER_ID) {
            throw new IllegalArgumentException("worker id must be 0.." + MAX_WORKER_ID + ", got " + workerId);
        }
        if (maxBackwardMs < 0) {
            throw new IllegalArgumentException("maxBackwardMs must be >= 0, got " + maxBackwardMs);
        }
        this.workerId = workerId;
        this.workerBits = workerId << SEQUENCE_BITS;
        this.millisClock = millisClock;
        this.maxBackwardMs = maxBackwardMs;
    }

    public long workerId() {
        return workerId;
    }

    /**
     * @throws IllegalStateException when the clock stepped back more than {@code maxBackwardMs}, or lies outside
     *                               the 41-bit range after {@link #EPOCH}
     */
    public long nextId() {
        while (true) {
            // read the state before the clock: a thread descheduled between the two reads then sees a stale state
            // (its CAS fails and it retries), never a stale clock that would look like the clock going backwards
            long prev = last.get();
            long now = elapsedMillis();
            long prevMillis = prev >> SEQUENCE_BITS;
            long next;
            if (now > prevMillis) {
                next = now << SEQUENCE_BITS;
            } else if (now == prevMillis) {
                if ((prev & MAX_SEQUENCE) == MAX_SEQUENCE) {
                    spinUntilAfter(prevMillis);
                    continue;
                }
                next = prev + 1;
            } else {
                waitForClock(prevMillis - now);
                continue;
            }
            if (last.compareAndSet(prev, next)) {
                return ((next & ~MAX_SEQUENCE) << WORKER_BITS) | workerBits | (next & MAX_SEQUENCE);
            }
        }
    }

    public static Parts decode(long id) {
        return new Parts((id >>> (WORKER_BITS + SEQUENCE_BITS)) + EPOCH,
                (id >>> SEQUENCE_BITS) & MAX_WORKER_ID,
                id & MAX_SEQUENCE);
    }

    /**
     * @param timestampMillis milliseconds since 1970 (not since {@link #EPOCH})
     */
    public record Parts(long timestampMillis, long workerId, long sequence) {
        public Instant instant() {
            return Instant.ofEpochMilli(timestampMillis);
        }
    }

    private long elapsedMillis() {
        long now = millisClock.getAsLong() - EPOCH;
        if (now < 0 || now > MAX_TIMESTAMP) {
            throw new IllegalStateException("clock reads " + Instant.ofEpochMilli(now + EPOCH)
                    + ", outside the snowflake range starting " + Instant.ofEpochMilli(EPOCH));
        }
        return now;
    }

    /** The 4,096 ids of this millisecond are gone: a millisecond is too short to park for, so spin. */
    private void spinUntilAfter(long millis) {
        while (elapsedMillis() <= millis) {
            Thread.onSpinWait();
        }
    }

    private void waitForClock(long behindMs) {
        if (behindMs > maxBackwardMs) {
            String message = "CLOCK MOVED BACKWARDS by " + behindMs + " ms (more than the " + maxBackwardMs
                    + " ms tolerated); snowflake worker " + workerId + " refuses to issue ids until the clock passes "
                    + Instant.ofEpochMilli((last.get() >> SEQUENCE_BITS) + EPOCH)
                    + ", because ids issued now could repeat earlier ones. Check NTP / time sync on this host.";
            long at = last.get() >> SEQUENCE_BITS;
            if (loggedBackwardAt != at) {
                loggedBackwardAt = at;
                LOG.error(message);
            }
            throw new IllegalStateException(message);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(behindMs));
    }
}
