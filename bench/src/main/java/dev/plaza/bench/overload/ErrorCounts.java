package dev.plaza.bench.overload;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Why requests ended as ERROR, counted by cause, so a table's error column can be explained. */
final class ErrorCounts {
    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private ErrorCounts() {
    }

    static void count(String cause) {
        COUNTS.computeIfAbsent(cause, k -> new LongAdder()).increment();
    }

    /** The counts since the last call, and starts over (one mode at a time). */
    static Map<String, Long> drain() {
        Map<String, Long> out = new TreeMap<>();
        COUNTS.forEach((k, v) -> out.put(k, v.sumThenReset()));
        out.values().removeIf(v -> v == 0);
        return out;
    }
}
