package dev.plaza.kit.limit;

import java.lang.management.ManagementFactory;
import java.util.OptionalInt;

/**
 * The fallback when no cgroup accounting is readable (not Linux, or a layout we do not know): the JDK's own view of
 * the machine's CPU load. It covers every process on the machine, so a busy neighbour counts against us.
 */
final class OsCpuProbe implements CpuProbe {
    private final com.sun.management.OperatingSystemMXBean os;

    private OsCpuProbe(com.sun.management.OperatingSystemMXBean os) {
        this.os = os;
    }

    /** Null when the JVM has no {@code com.sun.management} bean (not HotSpot). */
    static OsCpuProbe create() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean bean) {
            return new OsCpuProbe(bean);
        }
        return null;
    }

    @Override
    public OptionalInt sample() {
        double load = os.getCpuLoad(); // negative while the JDK has no reading yet
        return load < 0 ? OptionalInt.empty() : OptionalInt.of((int) Math.round(load * 1000));
    }

    @Override
    public String describe() {
        return "whole-machine CPU load (OperatingSystemMXBean)";
    }
}
