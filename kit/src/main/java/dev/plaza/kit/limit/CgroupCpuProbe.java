package dev.plaza.kit.limit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.LongSupplier;

/**
 * CPU use of this process's cgroup (the container, under Docker or Kubernetes) against its CPU quota: the CPU time
 * the cgroup consumed between two samples, divided by the wall time between them times the cores it may use. So 1000
 * means "using all of the quota", which is what overload means for a container, whatever the host is doing.
 *
 * <p>cgroup v2 reads {@code cpu.stat} ({@code usage_usec}) and {@code cpu.max} ({@code "$QUOTA $PERIOD"} or
 * {@code "max $PERIOD"}); v1 reads {@code cpuacct.usage} (ns) and {@code cpu.cfs_quota_us} / {@code cpu.cfs_period_us}
 * ({@code -1} = no quota). Without a quota the limit is the processors the JVM may use. The quota is read again on
 * every sample: Kubernetes can resize a running pod.
 */
final class CgroupCpuProbe implements CpuProbe {
    private static final List<String> V1_CPUACCT_MOUNTS = List.of("cpuacct", "cpu,cpuacct", "cpuacct,cpu");
    private static final List<String> V1_CPU_MOUNTS = List.of("cpu", "cpu,cpuacct", "cpuacct,cpu");

    private final String version;
    private final Path usageFile;
    private final Path quotaFile; // v2: cpu.max; v1: cpu.cfs_quota_us
    private final Path periodFile; // v1 only
    private final int processors;
    private final LongSupplier nanoClock;
    private long lastUsageNanos = -1;
    private long lastSampleNanos;

    private CgroupCpuProbe(String version, Path usageFile, Path quotaFile, Path periodFile, int processors,
                           LongSupplier nanoClock) {
        this.version = version;
        this.usageFile = usageFile;
        this.quotaFile = quotaFile;
        this.periodFile = periodFile;
        this.processors = processors;
        this.nanoClock = nanoClock;
    }

    /**
     * The probe for the cgroup this process is in, or null when neither v2 nor v1 CPU accounting is readable.
     *
     * @param root       where cgroups are mounted, {@code /sys/fs/cgroup}
     * @param selfCgroup the text of {@code /proc/self/cgroup} ("" if unreadable): names our own cgroup when the mount
     *                   shows the whole host's tree (no cgroup namespace); inside a container it is usually "/"
     * @param processors cores to divide by when there is no quota ({@code Runtime.availableProcessors()})
     */
    static CgroupCpuProbe detect(Path root, String selfCgroup, int processors, LongSupplier nanoClock) {
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            Path dir = own(root, cgroupPath(selfCgroup, null));
            if (Files.isReadable(dir.resolve("cpu.stat"))) {
                return new CgroupCpuProbe("v2", dir.resolve("cpu.stat"), dir.resolve("cpu.max"), null, processors,
                        nanoClock);
            }
        }
        Path cpuacct = firstDir(root, V1_CPUACCT_MOUNTS);
        if (cpuacct == null) {
            return null;
        }
        Path usageDir = own(cpuacct, cgroupPath(selfCgroup, "cpuacct"));
        if (!Files.isReadable(usageDir.resolve("cpuacct.usage"))) {
            return null;
        }
        Path cpu = firstDir(root, V1_CPU_MOUNTS);
        Path quotaDir = cpu == null ? usageDir : own(cpu, cgroupPath(selfCgroup, "cpu"));
        return new CgroupCpuProbe("v1", usageDir.resolve("cpuacct.usage"), quotaDir.resolve("cpu.cfs_quota_us"),
                quotaDir.resolve("cpu.cfs_period_us"), processors, nanoClock);
    }

    /**
     * True when the cgroup found is the root of its hierarchy, which holds every process on the machine and can have
     * no quota: a v1 hierarchy root has {@code release_agent} / {@code cgroup.sane_behavior}, which no child has; a
     * v2 root lacks {@code cgroup.type} and {@code cpu.max}, which every child with the cpu controller has. A
     * container's own cgroup, also when mounted as {@code /sys/fs/cgroup} through a cgroup namespace, is no root.
     */
    boolean wholeMachine() {
        Path dir = usageFile.getParent();
        if (version.equals("v2")) {
            return !Files.exists(dir.resolve("cgroup.type")) && !Files.exists(dir.resolve("cpu.max"));
        }
        return Files.exists(dir.resolve("release_agent")) || Files.exists(dir.resolve("cgroup.sane_behavior"));
    }

    @Override
    public OptionalInt sample() {
        long now = nanoClock.getAsLong();
        long usage;
        double cores;
        try {
            usage = readUsageNanos();
            cores = readQuotaCores();
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty(); // a file gone or garbled for a moment: skip this sample, keep the average
        }
        long previousUsage = lastUsageNanos;
        long previousTime = lastSampleNanos;
        lastUsageNanos = usage;
        lastSampleNanos = now;
        long elapsed = now - previousTime;
        if (previousUsage < 0 || usage < previousUsage || elapsed <= 0) {
            return OptionalInt.empty(); // first reading, or the counter was reset: nothing to compare with
        }
        double limit = cores > 0 ? Math.min(cores, processors) : processors;
        return OptionalInt.of((int) Math.round((usage - previousUsage) * 1000.0 / (elapsed * limit)));
    }

    @Override
    public String describe() {
        return "cgroup " + version + " " + usageFile;
    }

    private long readUsageNanos() throws IOException {
        String text = Files.readString(usageFile);
        return version.equals("v2") ? parseV2UsageNanos(text) : parseV1UsageNanos(text);
    }

    /** Cores the quota allows, or 0 for none (or no file: the cpu controller is not enabled for this cgroup). */
    private double readQuotaCores() throws IOException {
        if (!Files.isReadable(quotaFile)) {
            return 0;
        }
        if (version.equals("v2")) {
            return parseV2QuotaCores(Files.readString(quotaFile));
        }
        if (!Files.isReadable(periodFile)) {
            return 0;
        }
        return parseV1QuotaCores(Files.readString(quotaFile), Files.readString(periodFile));
    }

    /** {@code cpu.stat} of v2: {@code usage_usec 123} among other lines; answered in ns. */
    static long parseV2UsageNanos(String cpuStat) {
        for (String line : cpuStat.split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2 && kv[0].equals("usage_usec")) {
                return Math.multiplyExact(Long.parseLong(kv[1]), 1000L);
            }
        }
        throw new IllegalArgumentException("no usage_usec in cpu.stat");
    }

    /** {@code cpu.max} of v2: {@code "max 100000"} (no quota, 0) or {@code "50000 100000"} (0.5 cores). */
    static double parseV2QuotaCores(String cpuMax) {
        String[] parts = cpuMax.trim().split("\\s+");
        if (parts.length == 0 || parts[0].equals("max")) {
            return 0;
        }
        long quota = Long.parseLong(parts[0]);
        long period = parts.length > 1 ? Long.parseLong(parts[1]) : 100_000; // the kernel's default period
        return quota > 0 && period > 0 ? (double) quota / period : 0;
    }

    /** {@code cpuacct.usage} of v1: total ns. */
    static long parseV1UsageNanos(String usage) {
        return Long.parseLong(usage.trim());
    }

    /** {@code cpu.cfs_quota_us} / {@code cpu.cfs_period_us} of v1; a quota of -1 means none (0). */
    static double parseV1QuotaCores(String quotaUs, String periodUs) {
        long quota = Long.parseLong(quotaUs.trim());
        long period = Long.parseLong(periodUs.trim());
        return quota > 0 && period > 0 ? (double) quota / period : 0;
    }

    /**
     * Our cgroup's path from {@code /proc/self/cgroup} ({@code id:controllers:path} lines): the v2 line
     * ({@code 0::/path}) when {@code controller} is null, else the v1 line whose controller list names it.
     */
    static String cgroupPath(String selfCgroup, String controller) {
        for (String line : selfCgroup.split("\n")) {
            String[] parts = line.split(":", 3);
            if (parts.length != 3) {
                continue;
            }
            boolean match = controller == null
                    ? parts[0].equals("0") && parts[1].isEmpty()
                    : List.of(parts[1].split(",")).contains(controller);
            if (match) {
                return parts[2].trim();
            }
        }
        return null;
    }

    /**
     * Our own cgroup directory under a mount. Inside a container the mount already is our cgroup and the path
     * either reads "/" or names a directory that exists only on the host, so the mount itself is the answer.
     */
    private static Path own(Path mount, String path) {
        if (path == null || path.equals("/") || path.isEmpty()) {
            return mount;
        }
        Path nested = mount.resolve(path.startsWith("/") ? path.substring(1) : path);
        return Files.isDirectory(nested) ? nested : mount;
    }

    private static Path firstDir(Path root, List<String> names) {
        for (String name : names) {
            Path dir = root.resolve(name);
            if (Files.isDirectory(dir)) {
                return dir;
            }
        }
        return null;
    }
}
