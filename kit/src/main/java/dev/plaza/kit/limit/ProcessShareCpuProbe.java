package dev.plaza.kit.limit;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * For a process that is in no container (its cgroup is the root of the hierarchy, i.e. the whole machine, without
 * a quota): the process's share of the CPU it could have had. Between two samples,
 * <pre>
 *   own   = this process's CPU time / wall time                       (cores)
 *   idle  = the machine's idle + iowait share (/proc/stat) x its CPUs  (cores)
 *   load  = own / min(own + idle, processors)
 * </pre>
 * With no quota, what the process may use is what it uses plus what nobody uses. So 1000 means "no idle CPU left
 * that this process could take", which is what overload means for it, whether the rest went to its own database, a
 * load generator or a neighbour's build. Compared with the root cgroup's reading (the whole machine's use), it does
 * not count a neighbour's work while idle CPU remains. Compared with the process's CPU alone over its processors,
 * it still sees the overload of a machine it shares: a server that shares 2 cores with its database saturates the
 * machine at about 60% of the cores, which a plain process reading would never call hot.
 */
final class ProcessShareCpuProbe implements CpuProbe {
    private final LongSupplier processCpuNanos;
    private final Supplier<String> procStat;
    private final LongSupplier nanoClock;
    private final int processors;
    private long lastProcess = -1;
    private long lastIdle;
    private long lastTotal;
    private long lastSampleNanos;

    ProcessShareCpuProbe(LongSupplier processCpuNanos, Supplier<String> procStat, LongSupplier nanoClock,
                         int processors) {
        this.processCpuNanos = processCpuNanos;
        this.procStat = procStat;
        this.nanoClock = nanoClock;
        this.processors = Math.max(1, processors);
    }

    /** Null unless both the JDK's process CPU time and {@code /proc/stat} can be read (Linux, HotSpot). */
    static ProcessShareCpuProbe create(int processors, LongSupplier nanoClock) {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
                || os.getProcessCpuTime() < 0) {
            return null;
        }
        Path stat = Path.of("/proc/stat");
        Supplier<String> reader = () -> {
            try {
                return Files.readString(stat);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        try {
            parse(reader.get());
        } catch (RuntimeException e) {
            return null;
        }
        return new ProcessShareCpuProbe(os::getProcessCpuTime, reader, nanoClock, processors);
    }

    @Override
    public OptionalInt sample() {
        long now = nanoClock.getAsLong();
        long process;
        long[] machine;
        try {
            process = processCpuNanos.getAsLong();
            machine = parse(procStat.get());
        } catch (RuntimeException e) {
            return OptionalInt.empty();
        }
        long previousProcess = lastProcess;
        long idleDelta = machine[0] - lastIdle;
        long totalDelta = machine[1] - lastTotal;
        long elapsed = now - lastSampleNanos;
        lastProcess = process;
        lastIdle = machine[0];
        lastTotal = machine[1];
        lastSampleNanos = now;
        if (previousProcess < 0 || process < previousProcess || idleDelta < 0 || totalDelta <= 0 || elapsed <= 0) {
            return OptionalInt.empty(); // first reading, or a counter went backwards
        }
        double own = (process - previousProcess) / (double) elapsed;
        double idle = Math.min(1.0, (double) idleDelta / totalDelta) * machine[2];
        double mayUse = Math.min(own + idle, processors);
        if (own <= 0 || mayUse <= 0) {
            return OptionalInt.of(0);
        }
        return OptionalInt.of((int) Math.round(own / mayUse * 1000));
    }

    @Override
    public String describe() {
        return "this process's share of the CPU it can get (own CPU time / (own + idle, /proc/stat), at most "
                + processors + " cores)";
    }

    /**
     * The first line of {@code /proc/stat} ({@code cpu user nice system idle iowait irq softirq steal ...}, in clock
     * ticks) and the {@code cpuN} lines: {idle + iowait, user..steal summed, number of CPUs}.
     */
    static long[] parse(String stat) {
        long idle = -1;
        long total = 0;
        int cpus = 0;
        for (String line : stat.split("\n")) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 5) {
                    throw new IllegalArgumentException("short cpu line in /proc/stat");
                }
                for (int i = 1; i < Math.min(f.length, 9); i++) { // guest time is already in user and nice
                    total += Long.parseLong(f[i]);
                }
                idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            } else if (line.startsWith("cpu") && line.length() > 3 && Character.isDigit(line.charAt(3))) {
                cpus++;
            }
        }
        if (idle < 0 || cpus == 0) {
            throw new IllegalArgumentException("no cpu lines in /proc/stat");
        }
        return new long[] {idle, total, cpus};
    }
}
