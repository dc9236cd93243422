package dev.plaza.bench.overload;

import java.util.List;

/**
 * One mode's ramp: its steps (as multiples of C) with results and the server's stats line at the end of each, and
 * the machine's load average around it.
 */
record ModeRun(Mode mode, List<Double> multiples, List<StepResult> steps, List<String> serverStats,
               String loadBefore, String loadAfter) {

    /** The first step is the unloaded reference (0.5 C in the default ramp). */
    StepResult unloaded() {
        return steps.getFirst();
    }

    StepResult last() {
        return steps.getLast();
    }

    double peakGoodput() {
        return steps.stream().mapToDouble(StepResult::goodput).max().orElse(0);
    }

    /** Goodput at the highest offered load over the best goodput seen at any step. */
    double goodputRetained() {
        return last().goodput() / peakGoodput();
    }

    /** p99 of accepted requests at the highest offered load over the unloaded p99. */
    double p99Growth() {
        return last().p99() / unloaded().p99();
    }

    /**
     * The targets at the top step: goodput at least 90% of peak, accepted p99 at most 2x unloaded. "Peak" is
     * the larger of the mode's own best step and the measured capacity C: against its own peak alone, a limiter that
     * throttled the server to half its capacity from 1 C on would pass.
     */
    boolean targetsMet(double capacity) {
        return last().goodput() >= 0.9 * Math.max(peakGoodput(), capacity) && p99Growth() <= 2.0;
    }
}
