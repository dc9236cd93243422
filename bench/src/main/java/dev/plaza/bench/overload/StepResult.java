package dev.plaza.bench.overload;

import java.util.Arrays;
import java.util.List;

/**
 * One step of the ramp, per second of the step. Goodput counts the good answers (code 0) that <em>arrived during the
 * step's time window</em>, whichever step sent them: what the server usefully delivered while that load was offered.
 * (Counting the step's own requests instead would credit a backlog's answers, served seconds later during the next
 * step, to this one.) Rejections, errors, timeouts and latencies are those of the requests the step sent.
 *
 * @param offered  requests per second scheduled
 * @param goodput  code 0 answers per second
 * @param rejected -503 answers per second
 * @param errors   other failures (connection errors, other codes) per second
 * @param timeouts requests unanswered at the client timeout, per second
 * @param p50      median latency of the good answers, ms (from the due time)
 * @param p99      99th percentile latency of the good answers, ms
 * @param lagP99   99th percentile of the client's own delay (due time to the request's thread running), ms: when
 *                 it grows, the load generator is short of CPU and the offered load is late
 */
record StepResult(double offered, double goodput, double rejected, double errors, double timeouts,
                  double p50, double p99, double lagP99) {

    static StepResult of(OpenLoop.Step step, List<OpenLoop.Step> all) {
        double seconds = step.length.toNanos() / 1e9;
        long windowEnd = step.startNanos + step.length.toNanos();
        long delivered = 0;
        for (OpenLoop.Step other : all) {
            for (int i = 0; i < other.outcomes.length; i++) {
                long t = other.completedAt[i];
                if (other.outcomes[i] == WorkConnection.Outcome.OK && t >= step.startNanos && t < windowEnd) {
                    delivered++;
                }
            }
        }
        long ok = 0;
        long rejected = 0;
        long errors = 0;
        long timeouts = 0;
        long[] good = new long[step.outcomes.length];
        for (int i = 0; i < step.outcomes.length; i++) {
            switch (step.outcomes[i]) {
                case OK -> good[(int) ok++] = step.latencyNanos[i];
                case REJECTED -> rejected++;
                case ERROR -> errors++;
                case TIMEOUT -> timeouts++;
            }
        }
        long[] sorted = Arrays.copyOf(good, (int) ok);
        Arrays.sort(sorted);
        long[] lag = step.startLagNanos.clone();
        Arrays.sort(lag);
        return new StepResult(step.outcomes.length / seconds, delivered / seconds, rejected / seconds, errors / seconds,
                timeouts / seconds, percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(lag, 0.99));
    }

    /** Nearest-rank percentile in ms; NaN when there is nothing to rank. */
    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int idx = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, idx)] / 1e6;
    }
}
