package dev.plaza.kit.limit;

import dev.plaza.kit.errors.ErrorCode;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.Status;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * An adaptive concurrency limiter in the style of Kratos' BBR (go-kratos/aegis {@code ratelimit/bbr}): it has no
 * configured limit; it learns what the process can carry from what it just carried and sheds the excess only when
 * the CPU says the process is overloaded.
 *
 * <p>Over a rolling window (10 s in 100 buckets by default) it keeps, per bucket, how many requests completed and
 * their summed response time. From the full buckets (the one filling now is left out):
 * <pre>
 *   maxPass     = most completions in one bucket (at least 1)
 *   minRt       = lowest average response time of a bucket, ms (at least 1)
 *   maxInFlight = ceil(maxPass * minRt * bucketsPerSecond / 1000)
 * </pre>
 * maxInFlight is Little's law on the best throughput and best latency seen: the concurrency the process sustained
 * when it was doing well. A request is dropped when
 * <pre>
 *   (cpu >= cpuThreshold  OR  less than coolOff since the last drop made while the CPU was hot)
 *   AND inFlight > maxInFlight
 * </pre>
 * The cool-off keeps shedding while the CPU average, which lags, comes down. It is measured from the last drop made
 * at a hot CPU, not from any drop: drops during the cool-off would otherwise prolong it for as long as the excess
 * lasts, and since the window only sees the throughput the limiter let through, maxInFlight could never grow back.
 *
 * <p>{@link #allow()} throws a -503 {@code LIMIT_EXCEEDED} error (gRPC RESOURCE_EXHAUSTED, HTTP 503) or returns an
 * {@link Allowance} whose {@link Allowance#done()} records the response time. The hot path is a clock read and a few
 * {@link LongAdder} updates; the window is only summarized when the CPU is hot or cooling off, and then once per
 * bucket. {@link Criticality} moves the line: sheddable requests go at {@value #SHEDDABLE_SHARE} x maxInFlight,
 * critical ones only above {@value #CRITICAL_SHARE} x.
 */
public final class BbrLimiter {
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(10);
    public static final int DEFAULT_BUCKETS = 100;
    /** Per mille of the CPU the process may use. */
    public static final int DEFAULT_CPU_THRESHOLD = 800;
    public static final Duration DEFAULT_COOL_OFF = Duration.ofSeconds(1);
    public static final double SHEDDABLE_SHARE = 0.8;
    public static final double CRITICAL_SHARE = 1.2;
    /** The reason of the error a dropped request gets. */
    public static final String LIMIT_EXCEEDED = "LIMIT_EXCEEDED";

    private static final long NEVER = Long.MIN_VALUE;
    /** Resolution of the last-drop stamp: the cool-off may end up to this much early. */
    private static final long STAMP_NANOS = 1_000_000L;

    private final String name;
    private final CpuSource cpu;
    private final LongSupplier nanoClock;
    private final RollingWindow window;
    private final int cpuThreshold;
    private final long coolOffNanos;
    private final LongAdder inFlight = new LongAdder();
    private final LongAdder passed = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final PlazaError rejection;
    private volatile long lastHotDropNanos = NEVER;
    private volatile Estimate estimate = new Estimate(Long.MIN_VALUE, 1, 1, 1);

    private BbrLimiter(Builder b) {
        this.name = b.name;
        this.cpu = b.cpu;
        this.nanoClock = b.nanoClock;
        long bucketNanos = b.window.toNanos() / b.buckets;
        this.window = new RollingWindow(b.buckets, bucketNanos);
        this.cpuThreshold = b.cpuThreshold;
        this.coolOffNanos = b.coolOff.toNanos();
        // RESOURCE_EXHAUSTED, not UNAVAILABLE: gRPC clients and proxies retry UNAVAILABLE on their own, which would
        // send the shed load straight back. The -503 code still makes the HTTP edge answer 503.
        // One shared instance: it is immutable and carries no stack trace, so dropping allocates nothing.
        this.rejection = PlazaError.of(ErrorCode.OVERLOADED.code(), Status.Code.RESOURCE_EXHAUSTED, "",
                LIMIT_EXCEEDED, "server overloaded, try again later");
    }

    /** A limiter named {@code name} (the {@code limiter} tag of its meters) reading load from {@code cpu}. */
    public static Builder builder(String name, CpuSource cpu) {
        return new Builder(name, cpu);
    }

    public String name() {
        return name;
    }

    /** Admits a {@link Criticality#DEFAULT} request or throws the -503 {@code LIMIT_EXCEEDED} error. */
    public Allowance allow() {
        return allow(Criticality.DEFAULT);
    }

    /**
     * Admits the request, or throws a {@link PlazaError} (-503, reason {@value #LIMIT_EXCEEDED}, gRPC
     * RESOURCE_EXHAUSTED) when it must be shed. The caller must call {@link Allowance#done()} when the request ends.
     */
    public Allowance allow(Criticality criticality) {
        Allowance a = tryAllow(criticality);
        if (a == null) {
            throw rejection;
        }
        return a;
    }

    /**
     * {@link #allow(Criticality)} without the exception: null when the request must be shed (counted as dropped),
     * for callers that answer the refusal themselves, such as the HTTP edge's pre-rendered 503.
     */
    public Allowance tryAllow(Criticality criticality) {
        long now = nanoClock.getAsLong();
        if (shouldDrop(now, criticality)) {
            dropped.increment();
            return null;
        }
        inFlight.increment();
        passed.increment();
        return new Allowance(this, now);
    }

    /** The error a shed request gets (-503, reason {@value #LIMIT_EXCEEDED}, gRPC RESOURCE_EXHAUSTED). */
    public PlazaError rejection() {
        return rejection;
    }

    /** Called once per admitted request by {@link Allowance#done()}. */
    void complete(long startNanos) {
        long now = nanoClock.getAsLong();
        window.record(now, Math.max(0, now - startNanos));
        inFlight.decrement();
    }

    private boolean shouldDrop(long now, Criticality criticality) {
        boolean hot = cpu.cpu() >= cpuThreshold;
        if (!hot) {
            long last = lastHotDropNanos;
            if (last == NEVER || now - last >= coolOffNanos) {
                return false; // the common case: two loads and a compare
            }
        }
        long limit = estimate(now).maxInFlight;
        double share = switch (criticality) {
            case SHEDDABLE -> SHEDDABLE_SHARE;
            case CRITICAL -> CRITICAL_SHARE;
            case DEFAULT -> 1.0;
        };
        if (inFlight.sum() <= limit * share) {
            return false;
        }
        if (hot) {
            long last = lastHotDropNanos;
            // at most one write a millisecond: under overload every refused call passes here, on every core
            if (last == NEVER || now - last >= STAMP_NANOS) {
                lastHotDropNanos = now;
            }
        }
        return true;
    }

    /** The window's verdict for the bucket {@code now} falls in; the full buckets do not change within it. */
    private Estimate estimate(long now) {
        long period = window.periodOf(now);
        Estimate e = estimate;
        if (e.period != period) {
            e = summarize(period); // racing threads compute the same value; one of them wins, harmlessly
            estimate = e;
        }
        return e;
    }

    private Estimate summarize(long period) {
        RollingWindow.Summary s = window.summarize(period);
        long maxPass = Math.max(1, s.maxCount());
        long minRtMillis = Math.max(1, (long) Math.ceil(s.minAvgRtNanos() / 1_000_000.0));
        long maxInFlight;
        try {
            // maxPass * minRt(ms) * bucketsPerSecond / 1000, in integers: exact for any bucket duration
            maxInFlight = Math.ceilDiv(Math.multiplyExact(Math.multiplyExact(maxPass, minRtMillis), 1_000_000L),
                    window.bucketNanos());
        } catch (ArithmeticException overflow) {
            maxInFlight = Long.MAX_VALUE;
        }
        return new Estimate(period, maxPass, minRtMillis, maxInFlight);
    }

    /** Requests admitted and not yet done. */
    public long inFlight() {
        return inFlight.sum();
    }

    /** Requests admitted since the limiter was built. */
    public long passed() {
        return passed.sum();
    }

    /** Requests shed since the limiter was built. */
    public long dropped() {
        return dropped.sum();
    }

    /** The CPU load the limiter sees, per mille. */
    public int cpu() {
        return cpu.cpu();
    }

    /** The current in-flight limit (applied only when the CPU is hot or cooling off). */
    public long maxInFlight() {
        return estimate(nanoClock.getAsLong()).maxInFlight;
    }

    /** Everything the limiter decides on, for metrics, logs and tests. */
    public Snapshot snapshot() {
        Estimate e = estimate(nanoClock.getAsLong());
        return new Snapshot(cpu.cpu(), inFlight.sum(), e.maxInFlight, e.maxPass, e.minRtMillis);
    }

    @Override
    public String toString() {
        return "BbrLimiter[" + name + ", " + snapshot() + "]";
    }

    /**
     * @param cpu         per mille of the CPU the process may use
     * @param maxPass     most requests completed in one full bucket of the window
     * @param minRtMillis lowest average response time of a full bucket, ms
     */
    public record Snapshot(int cpu, long inFlight, long maxInFlight, long maxPass, long minRtMillis) {
    }

    private record Estimate(long period, long maxPass, long minRtMillis, long maxInFlight) {
    }

    public static final class Builder {
        private final String name;
        private final CpuSource cpu;
        private Duration window = DEFAULT_WINDOW;
        private int buckets = DEFAULT_BUCKETS;
        private int cpuThreshold = DEFAULT_CPU_THRESHOLD;
        private Duration coolOff = DEFAULT_COOL_OFF;
        private LongSupplier nanoClock = System::nanoTime;

        private Builder(String name, CpuSource cpu) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a limiter needs a name");
            }
            this.name = name;
            this.cpu = Objects.requireNonNull(cpu, "cpu");
        }

        /** The span the limiter remembers (10 s unless set). */
        public Builder window(Duration window) {
            this.window = Objects.requireNonNull(window, "window");
            return this;
        }

        /** How many buckets the window is cut in (100 unless set): a bucket is the unit of maxPass and minRt. */
        public Builder buckets(int buckets) {
            this.buckets = buckets;
            return this;
        }

        /** Per mille of the CPU the process may use at which shedding starts (800 unless set); 0..1000. */
        public Builder cpuThreshold(int perMille) {
            this.cpuThreshold = perMille;
            return this;
        }

        /** How long shedding goes on after the last drop at a hot CPU (1 s unless set). */
        public Builder coolOff(Duration coolOff) {
            this.coolOff = Objects.requireNonNull(coolOff, "coolOff");
            return this;
        }

        /** The clock, {@code System::nanoTime} unless set (tests move their own). */
        public Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /** All the knobs at once, e.g. bound from configuration. */
        public Builder config(LimiterConfig config) {
            return window(config.window()).buckets(config.buckets()).cpuThreshold(config.cpuThreshold())
                    .coolOff(config.coolOff());
        }

        public BbrLimiter build() {
            if (buckets < 2) {
                throw new IllegalArgumentException("buckets must be at least 2, got " + buckets);
            }
            if (window.toNanos() / buckets <= 0) {
                throw new IllegalArgumentException("window " + window + " is too short for " + buckets + " buckets");
            }
            if (cpuThreshold < 0 || cpuThreshold > 1000) {
                throw new IllegalArgumentException("cpuThreshold is per mille, 0..1000, got " + cpuThreshold);
            }
            if (coolOff.isNegative()) {
                throw new IllegalArgumentException("coolOff must not be negative, got " + coolOff);
            }
            return new BbrLimiter(this);
        }
    }
}
