package dev.plaza.bench.overload;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load: request i of a step is due at {@code start + i / rate}, whether or not earlier ones were answered
 * (the scheduling of PmBench), each on its own virtual thread. Latency counts from the due time, not from the write,
 * so time spent waiting for a connection or for the scheduler is in it (no coordinated omission). A request not
 * answered {@code timeout} after its due time is a timeout.
 *
 * <p>{@link #schedule} returns when the step's last request is due, not when it is answered: the next step starts at
 * once, so the offered load is a continuous ramp; {@link StepResult#of} summarizes a step once all are answered.
 */
final class OpenLoop {
    private final ConnectionPool pool;
    private final Duration timeout;

    OpenLoop(ConnectionPool pool, Duration timeout) {
        this.pool = pool;
        this.timeout = timeout;
    }

    Step schedule(double rate, Duration length) {
        int n = (int) Math.round(rate * length.toNanos() / 1e9);
        long t0 = System.nanoTime();
        Step step = new Step(rate, length, n, t0);
        double period = 1e9 / rate;
        for (int i = 0; i < n; i++) {
            long due = t0 + (long) (i * period);
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            int idx = i;
            Thread.ofVirtual().start(() -> {
                step.startLagNanos[idx] = System.nanoTime() - due;
                step.record(idx, due, pool.send(due + timeout.toNanos()));
            });
        }
        return step;
    }

    /** One step's requests and, as they come in, their outcomes. */
    static final class Step {
        final double rate;
        final Duration length;
        final WorkConnection.Outcome[] outcomes;
        final long[] latencyNanos;
        final long[] startLagNanos; // due time -> the request's thread running: the client's own delay
        final long[] completedAt;   // System.nanoTime() when the outcome was known
        final long startNanos;
        private final CountDownLatch done;

        private Step(double rate, Duration length, int n, long startNanos) {
            this.rate = rate;
            this.length = length;
            this.startNanos = startNanos;
            this.completedAt = new long[n];
            this.outcomes = new WorkConnection.Outcome[n];
            this.latencyNanos = new long[n];
            this.startLagNanos = new long[n];
            this.done = new CountDownLatch(n);
        }

        private void record(int i, long due, WorkConnection.Outcome outcome) {
            long now = System.nanoTime();
            completedAt[i] = now;
            latencyNanos[i] = now - due;
            outcomes[i] = outcome;
            done.countDown(); // publishes the writes above to await()'s caller
        }

        /** Waits for every answer (each has a deadline, so this ends). */
        void await() throws InterruptedException {
            done.await();
        }

        /** The step on its own: its answers, wherever they fell in time (the warm-up). */
        StepResult result() throws InterruptedException {
            await();
            return StepResult.of(this, java.util.List.of(this));
        }
    }
}
