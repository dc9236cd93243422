package dev.plaza.kit.limit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's CPU load, per mille of what its container may use, smoothed: one daemon thread samples every
 * {@value #PERIOD_MILLIS} ms and keeps an exponential moving average {@code cpu = cpu * 0.95 + sample * 0.05}. The
 * average lags on purpose (about 15 s from idle to 800 under full load): a limiter must react to sustained overload,
 * not to a GC pause or JIT warm-up. Readers pay one volatile read.
 *
 * <p>Sources, first that works: cgroup v2, cgroup v1 (both against the container's quota); when the cgroup is the
 * root (no container: it would be the whole machine), the process's own CPU time against what it uses plus what is
 * idle ({@link ProcessShareCpuProbe}); else the JDK's whole-machine load. One instance per process is enough; share
 * it between limiters. {@link #start()} begins sampling, {@link #close()} stops the thread.
 */
public final class CpuUsage implements CpuSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CpuUsage.class);
    static final long PERIOD_MILLIS = 500;
    static final double DECAY = 0.95;

    private final CpuProbe probe;
    private final Duration period;
    private final Object lifecycle = new Object();
    private ScheduledExecutorService sampler; // guarded by lifecycle
    private boolean closed; // guarded by lifecycle
    private double average; // written by the sampling thread only (tests call tick() without starting it)
    private volatile int cpu;

    CpuUsage(CpuProbe probe, Duration period) {
        this.probe = Objects.requireNonNull(probe, "probe");
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("sampling period must be positive, got " + period);
        }
        this.period = period;
    }

    /**
     * Measures this process's cgroup (v2, then v1) under {@code /sys/fs/cgroup}; when that cgroup is the whole
     * machine's (no container), the process's share of the CPU it can get ({@link ProcessShareCpuProbe}); else the
     * machine's CPU load.
     */
    public static CpuUsage detect() {
        int processors = Runtime.getRuntime().availableProcessors();
        CgroupCpuProbe cgroup = CgroupCpuProbe.detect(Path.of("/sys/fs/cgroup"), selfCgroup(), processors,
                System::nanoTime);
        CpuProbe probe = choose(cgroup, () -> ProcessShareCpuProbe.create(processors, System::nanoTime));
        if (probe == null) {
            probe = OsCpuProbe.create();
        }
        if (probe == null) {
            probe = new NoProbe(); // load stays 0: a limiter on it never drops, which beats failing to start
        }
        return new CpuUsage(probe, Duration.ofMillis(PERIOD_MILLIS));
    }

    /**
     * The cgroup when it is a container's; the process's share when the cgroup is the root (the whole machine: the
     * database, a load generator or a neighbour's build on the same host would count as this process's load, and
     * there is no quota to divide by); the root cgroup still if that share cannot be read. Without a cgroup, the
     * process share (null when that is unreadable too).
     */
    static CpuProbe choose(CgroupCpuProbe cgroup, Supplier<CpuProbe> processShare) {
        if (cgroup == null) {
            return processShare.get();
        }
        if (!cgroup.wholeMachine()) {
            return cgroup;
        }
        CpuProbe share = processShare.get();
        if (share == null) {
            LOG.info("cpu usage: {} is the whole machine's and the process share is unreadable; using it",
                    cgroup.describe());
            return cgroup;
        }
        LOG.info("cpu usage: {} is the root cgroup (the whole machine, no quota); measuring this process's share of "
                + "the CPU it can get instead", cgroup.describe());
        return share;
    }

    /** Starts the sampling thread; a no-op if already started. */
    public void start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("cpu usage sampler is closed");
            }
            if (sampler != null) {
                return;
            }
            sampler = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("plaza-cpu-usage").factory());
            sampler.scheduleAtFixedRate(this::tickSafely, 0, period.toNanos(), TimeUnit.NANOSECONDS);
            LOG.info("cpu usage: sampling {} every {} ms", probe.describe(), period.toMillis());
        }
    }

    @Override
    public int cpu() {
        return cpu;
    }

    /** Stops sampling; the last average stays readable. Idempotent. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            closed = true;
            if (sampler != null) {
                sampler.shutdownNow();
                sampler = null;
            }
        }
    }

    /** One sampling step: folds the probe's reading (clamped to 0..1000) into the average. */
    void tick() {
        OptionalInt sample = probe.sample();
        if (sample.isEmpty()) {
            return;
        }
        int clamped = Math.clamp(sample.getAsInt(), 0, 1000);
        average = average * DECAY + clamped * (1 - DECAY);
        cpu = (int) Math.round(average);
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            // a thrown exception would cancel the schedule and freeze the reading at its last value
            LOG.warn("cpu usage sample failed", e);
        }
    }

    private static String selfCgroup() {
        try {
            return Files.readString(Path.of("/proc/self/cgroup"));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    @Override
    public String toString() {
        return "CpuUsage[" + probe.describe() + ", cpu=" + cpu + "]";
    }

    private static final class NoProbe implements CpuProbe {
        @Override
        public OptionalInt sample() {
            return OptionalInt.empty();
        }

        @Override
        public String describe() {
            return "nothing (no cgroup and no OperatingSystemMXBean): load reads 0";
        }
    }
}
