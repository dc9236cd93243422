package dev.plaza.kit.limit;

import java.util.OptionalInt;

/** One way to measure CPU use; {@link CpuUsage} asks it every sampling period. */
interface CpuProbe {
    /**
     * The load since the previous call, per mille of what the process may use (may exceed 1000 on a burst; the caller
     * clamps). Empty when there is nothing to compare with yet (the first call) or the reading failed.
     */
    OptionalInt sample();

    /** For the start-up log line: which source this is and what it divides by. */
    String describe();
}
