package dev.plaza.comment.biz;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Lets one caller at a time ask for the rebuild of one cached index: the first miss of (subject, sort) or (subject,
 * root) takes the gate and publishes the rebuild; other misses of the same index within {@code quiet} (while the job
 * is rebuilding it) publish nothing. A failed publish gives the gate back so the next miss retries.
 */
public final class RebuildGate {
    /** One cached index: the roots of (subject, sort) when {@code root} is 0, else the replies of that root. */
    public record Target(SubjectKey key, int sort, long root) {
    }

    private static final int SWEEP_AT = 10_000;

    private final ConcurrentHashMap<Target, Long> until = new ConcurrentHashMap<>();
    private final long quietNanos;
    private final LongSupplier nanoClock;

    public RebuildGate(Duration quiet) {
        this(quiet, System::nanoTime);
    }

    public RebuildGate(Duration quiet, LongSupplier nanoClock) {
        this.quietNanos = quiet.toNanos();
        this.nanoClock = nanoClock;
    }

    /** True for exactly one caller per target per quiet period. */
    public boolean tryAcquire(Target target) {
        long now = nanoClock.getAsLong();
        boolean[] mine = {false};
        until.compute(target, (t, deadline) -> {
            if (deadline == null || deadline - now <= 0) {
                mine[0] = true;
                return now + quietNanos;
            }
            return deadline;
        });
        if (mine[0] && until.size() > SWEEP_AT) {
            until.entrySet().removeIf(e -> e.getValue() - now <= 0);
        }
        return mine[0];
    }

    /** Gives the gate back (the publish failed). */
    public void release(Target target) {
        until.remove(target);
    }
}
