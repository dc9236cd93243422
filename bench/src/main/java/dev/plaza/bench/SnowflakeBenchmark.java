package dev.plaza.bench;

import dev.plaza.kit.id.Snowflake;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Snowflake throughput from one and two threads sharing one generator (one worker id), against:
 * <ul>
 *   <li>the ceiling of the id layout: 4,096 ids per millisecond = 4.096M ids/s per worker id;</li>
 *   <li>floors measured in the same run: {@code System.currentTimeMillis()} (the generator reads it once per id),
 *       {@code System.nanoTime()} and an {@code AtomicLong} increment (the cheapest shared counter);</li>
 *   <li>the same algorithm behind a lock ({@link LockedSnowflake}), to justify CAS in the real one;</li>
 *   <li>both on a clock ticking every microsecond ({@code uncapped*}): what one id costs when the 4,096-per-ms
 *       sequence never runs out, i.e. the headroom above the ceiling, and how CAS and lock compare under
 *       contention.</li>
 * </ul>
 * Results are ops/s; divide the snowflake numbers by 4,096,000 for the ratio to the ceiling.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SnowflakeBenchmark {
    private final Snowflake snowflake = new Snowflake(1);
    private final LockedSnowflake locked = new LockedSnowflake(1, System::currentTimeMillis);
    private final AtomicLong counter = new AtomicLong();

    /**
     * A clock whose "milliseconds" are microseconds: 4,096 ids per microsecond is never reached, so these measure
     * what one id costs (a clock read plus the CAS or lock) and how that scales, free of the per-ms ceiling.
     */
    private static final LongSupplier MICROS_AS_MILLIS = () -> Snowflake.EPOCH + System.nanoTime() / 1_000;
    private final Snowflake uncapped = new Snowflake(1, MICROS_AS_MILLIS);
    private final LockedSnowflake lockedUncapped = new LockedSnowflake(1, MICROS_AS_MILLIS);

    @Benchmark
    @Threads(1)
    public long snowflake1Thread() {
        return snowflake.nextId();
    }

    @Benchmark
    @Threads(2)
    public long snowflake2Threads() {
        return snowflake.nextId();
    }

    @Benchmark
    @Threads(1)
    public long locked1Thread() {
        return locked.nextId();
    }

    @Benchmark
    @Threads(2)
    public long locked2Threads() {
        return locked.nextId();
    }

    @Benchmark
    @Threads(1)
    public long uncappedSnowflake1Thread() {
        return uncapped.nextId();
    }

    @Benchmark
    @Threads(2)
    public long uncappedSnowflake2Threads() {
        return uncapped.nextId();
    }

    @Benchmark
    @Threads(1)
    public long uncappedLocked1Thread() {
        return lockedUncapped.nextId();
    }

    @Benchmark
    @Threads(2)
    public long uncappedLocked2Threads() {
        return lockedUncapped.nextId();
    }

    @Benchmark
    @Threads(1)
    public long baselineCurrentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Benchmark
    @Threads(1)
    public long baselineNanoTime() {
        return System.nanoTime();
    }

    @Benchmark
    @Threads(1)
    public long baselineAtomicIncrement1Thread() {
        return counter.incrementAndGet();
    }

    @Benchmark
    @Threads(2)
    public long baselineAtomicIncrement2Threads() {
        return counter.incrementAndGet();
    }
}
