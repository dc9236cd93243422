package dev.plaza.bench;

import dev.plaza.kit.breaker.BreakerConfig;
import dev.plaza.kit.breaker.SreBreaker;
import java.util.concurrent.TimeUnit;
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
 * What the client breaker adds to every RPC: {@code allow()} then {@code markSuccess()} on one breaker (default
 * config: 10 s window, 40 buckets) shared by one and two threads, as one method's breaker is shared by all callers.
 * Against {@code System.nanoTime()}, which the breaker reads twice per call, measured in the same run. Also the
 * cost of a rejection on a breaker whose dependency is down ({@code throttled*}), the path that must stay cheap under
 * overload. Results are ns per call ({@code allow + mark}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SreBreakerBenchmark {
    private final SreBreaker healthy = new SreBreaker(BreakerConfig.DEFAULT);
    private final SreBreaker down = new SreBreaker(BreakerConfig.DEFAULT);

    /** A call that goes out and succeeds: the path of nearly every RPC. */
    @Benchmark
    @Threads(1)
    public boolean allowAndSuccess1Thread() {
        return allowAndSucceed();
    }

    @Benchmark
    @Threads(2)
    public boolean allowAndSuccess2Threads() {
        return allowAndSucceed();
    }

    /** A dependency failing every call: nearly every allow() is a rejection (counted), the rest are failures. */
    @Benchmark
    @Threads(1)
    public boolean throttled1Thread() {
        return allowAndFail();
    }

    @Benchmark
    @Threads(2)
    public boolean throttled2Threads() {
        return allowAndFail();
    }

    @Benchmark
    @Threads(1)
    public long baselineNanoTime() {
        return System.nanoTime();
    }

    private boolean allowAndSucceed() {
        boolean allowed = healthy.allow();
        if (allowed) {
            healthy.markSuccess();
        }
        return allowed;
    }

    private boolean allowAndFail() {
        boolean allowed = down.allow();
        if (allowed) {
            down.markFailure();
        }
        return allowed;
    }
}
