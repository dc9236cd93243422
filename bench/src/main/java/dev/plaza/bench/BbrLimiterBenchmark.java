package dev.plaza.bench;

import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.limit.Allowance;
import dev.plaza.kit.limit.BbrLimiter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the BBR limiter adds to every request: {@code allow()} + {@code done()} per call, from one and two threads
 * sharing one limiter, in its three states:
 * <ul>
 *   <li>{@code cool*}: CPU under the threshold, the everyday case (no window summary, no in-flight read);</li>
 *   <li>{@code hot*}: CPU over the threshold but in-flight under the learnt limit, so every call reads the in-flight
 *       sum and the cached window estimate and is admitted (the worst case for an admitted request);</li>
 *   <li>{@code shed*}: CPU over the threshold and in-flight over the limit: every call is refused (the shared,
 *       stack-less -503 error is thrown and caught).</li>
 * </ul>
 * Floors measured in the same run: the two {@code System.nanoTime()} reads every admitted call makes, and an
 * {@code AtomicLong} increment + decrement (a plain shared in-flight counter). Results are ns per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class BbrLimiterBenchmark {

    /** A CPU reading the benchmark sets; the real one ({@code CpuUsage}) is the same single volatile read. */
    @State(Scope.Benchmark)
    public static class Cool {
        final AtomicInteger cpu = new AtomicInteger(0);
        final BbrLimiter limiter = BbrLimiter.builder("bench-cool", cpu::get).build();
    }

    @State(Scope.Benchmark)
    public static class Hot {
        final AtomicInteger cpu = new AtomicInteger(0);
        final BbrLimiter limiter = BbrLimiter.builder("bench-hot", cpu::get).build();

        /**
         * Teaches the window first (cool, so nothing is refused): a few full 100 ms buckets of millions of
         * completions make maxInFlight far larger than two threads can reach. Then the CPU turns hot.
         */
        @Setup(Level.Trial)
        public void learn() {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(350);
            while (System.nanoTime() < until) {
                limiter.allow().done();
            }
            cpu.set(1000);
        }

        /** The premise of the numbers: nothing was refused (else they would mix in the shedding path). */
        @TearDown(Level.Trial)
        public void check() {
            System.out.println("bench-hot: " + limiter.passed() + " admitted, " + limiter.dropped() + " refused, "
                    + limiter.snapshot());
        }
    }

    @State(Scope.Benchmark)
    public static class Shedding {
        final AtomicInteger cpu = new AtomicInteger(0);
        final BbrLimiter limiter = BbrLimiter.builder("bench-shed", cpu::get).build();
        final List<Allowance> held = new ArrayList<>();

        /** An empty window allows 1 in flight: hold 2, then turn the CPU hot. */
        @Setup(Level.Trial)
        public void overload() {
            held.add(limiter.allow());
            held.add(limiter.allow());
            cpu.set(1000);
        }

        @TearDown(Level.Trial)
        public void release() {
            held.forEach(Allowance::done);
        }
    }

    @State(Scope.Benchmark)
    public static class Counter {
        final AtomicLong inFlight = new AtomicLong();
    }

    private static void call(BbrLimiter limiter) {
        limiter.allow().done();
    }

    private static boolean tryCall(BbrLimiter limiter) {
        try {
            limiter.allow().done();
            return true;
        } catch (PlazaError refused) {
            return false;
        }
    }

    @Benchmark
    @Threads(1)
    public void cool1Thread(Cool s) {
        call(s.limiter);
    }

    @Benchmark
    @Threads(2)
    public void cool2Threads(Cool s) {
        call(s.limiter);
    }

    @Benchmark
    @Threads(1)
    public boolean hot1Thread(Hot s) {
        return tryCall(s.limiter);
    }

    @Benchmark
    @Threads(2)
    public boolean hot2Threads(Hot s) {
        return tryCall(s.limiter);
    }

    @Benchmark
    @Threads(1)
    public boolean shed1Thread(Shedding s) {
        return tryCall(s.limiter);
    }

    @Benchmark
    @Threads(2)
    public boolean shed2Threads(Shedding s) {
        return tryCall(s.limiter);
    }

    @Benchmark
    @Threads(1)
    public long baselineTwoNanoTimes() {
        return System.nanoTime() + System.nanoTime();
    }

    @Benchmark
    @Threads(2)
    public long baselineTwoNanoTimes2Threads() {
        return System.nanoTime() + System.nanoTime();
    }

    @Benchmark
    @Threads(1)
    public long baselineAtomicIncDec1Thread(Counter c) {
        c.inFlight.incrementAndGet();
        return c.inFlight.decrementAndGet();
    }

    @Benchmark
    @Threads(2)
    public long baselineAtomicIncDec2Threads(Counter c) {
        c.inFlight.incrementAndGet();
        return c.inFlight.decrementAndGet();
    }
}
