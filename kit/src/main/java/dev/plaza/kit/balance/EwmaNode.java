package dev.plaza.kit.balance;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * What one client knows about one backend, as in Kratos' {@code selector/node/ewma}: a latency EWMA, a success-rate
 * EWMA, the calls in flight and a latency predicted from them. {@link #load} turns that into one number, lower is
 * better:
 *
 * <pre>
 * load    = sqrt(max(latency EWMA, predict) + 5 ms) * (in flight + 1)
 * predict = mean age of the calls in flight older than the latency EWMA, if there are more than (in flight / 2 + 1)
 *           of them; else 0. Recomputed at most once per (latency EWMA / 5, clamped to 5..200 ms).
 * </pre>
 *
 * <ul>
 *   <li>The EWMA decays with time, not with the number of samples: {@code w = exp(-td / tau)} where {@code td} is the
 *       time since the previous completion. A busy and a quiet backend forget at the same pace (tau = 600 ms: a
 *       sample 600 ms old weighs 37%), and the first sample after a long silence replaces the old value.</li>
 *   <li>The prediction covers a backend that stopped answering: it has no completions to pull its EWMA up, but its
 *       calls keep ageing. Only a majority of overdue calls counts, so one slow straggler (a big query, a long
 *       stream) among many quick calls does not make a healthy backend look slow; when most calls are stuck, their
 *       mean age is what the next call can expect.</li>
 *   <li>The square root keeps latency from dominating in-flight counts (a 4x slower backend weighs 2x), and the
 *       5 ms floor makes sub-millisecond noise irrelevant: near-equal backends are told apart by what they have in
 *       flight, which is what spreads load.</li>
 *   <li>"In flight + 1" counts the call about to be placed (Kratos starts its counter at 1), so an idle backend is
 *       ranked by latency alone instead of scoring zero.</li>
 *   <li>A backend never measured counts as {@link #PENALTY} (10 s) slow: it gets traffic from forced picks (see
 *       {@link P2cPicker}) until its first call completes, not a stampede.</li>
 * </ul>
 *
 * <p>Thread-safe. Calls start and finish under a small lock (the in-flight list); {@link #load} reads volatile fields
 * only, except that one caller per predict interval (the winner of a compare-and-set on the prediction's timestamp)
 * takes the lock to walk the in-flight list. Picking therefore never waits, bar that one walk.
 */
public final class EwmaNode {
    /** Kratos' tau: a sample's weight falls to 1/e after 600 ms, to half after 416 ms (tau * ln 2). */
    public static final Duration DEFAULT_DECAY = Duration.ofMillis(600);
    /** The latency a backend is assumed to have before its first call completes (Kratos' penalty). */
    public static final Duration PENALTY = Duration.ofSeconds(10);
    /** Added under the square root so sub-millisecond differences between healthy backends do not matter. */
    static final double LATENCY_FLOOR_MILLIS = 5.0;
    /**
     * Bounds of the predict interval (latency EWMA / 5): often enough that a stall shows within a fraction of the
     * normal latency, never so often that a fast backend's list is walked on every pick, never more than 200 ms late.
     */
    static final long MIN_PREDICT_INTERVAL_NANOS = Duration.ofMillis(5).toNanos();
    static final long MAX_PREDICT_INTERVAL_NANOS = Duration.ofMillis(200).toNanos();

    private static final long NEVER = Long.MIN_VALUE;
    private static final double NANOS_PER_MILLI = 1_000_000.0;

    private final LongSupplier nanoClock;
    private final double decayNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong lastPick = new AtomicLong(NEVER);
    // when the prediction was last computed; the compare-and-set on it elects the one caller that recomputes
    private final AtomicLong predictedAt = new AtomicLong(NEVER);

    // guarded by lock: the in-flight calls, roughly in start order, and when a call last completed
    private Call oldest;
    private Call newest;
    private long lastCompletion = NEVER;

    // written under lock, read by pickers without it
    private volatile int inFlight;
    private volatile double latencyNanos = PENALTY.toNanos();
    private volatile double success = 1.0;

    // written by the caller that won predictedAt, read by everyone else until the next interval
    private volatile long predictedNanos;

    // from the resolver's attributes; replaced when the backend is re-resolved with another weight
    private volatile int weight;

    /**
     * @param nanoClock monotonic nanoseconds ({@code System::nanoTime}); tests pass a fake one
     * @param decay     tau of the EWMAs; {@link #DEFAULT_DECAY} is Kratos'
     * @param weight    the backend's static weight, relative to its peers (see {@link BalancerAttributes#WEIGHT})
     */
    public EwmaNode(LongSupplier nanoClock, Duration decay, int weight) {
        if (decay.isNegative() || decay.isZero()) {
            throw new IllegalArgumentException("decay must be positive, got " + decay);
        }
        this.nanoClock = nanoClock;
        this.decayNanos = decay.toNanos();
        weight(weight);
    }

    /** A call is placed on this backend; finish it exactly once ({@link Call#finish}), whatever its outcome. */
    public Call start() {
        Call call = new Call(nanoClock.getAsLong());
        lock.lock();
        try {
            if (newest == null) {
                oldest = call;
            } else {
                newest.next = call;
                call.prev = newest;
            }
            newest = call;
            inFlight++;
        } finally {
            lock.unlock();
        }
        return call;
    }

    private void finish(Call call, boolean serverFailure) {
        long now = nanoClock.getAsLong();
        lock.lock();
        try {
            if (call.done) {
                return;
            }
            call.done = true;
            unlink(call);
            inFlight--;
            double sampleNanos = Math.max(0, now - call.start);
            double sampleSuccess = serverFailure ? 0.0 : 1.0;
            if (lastCompletion == NEVER) {
                // the first sample replaces the penalty outright, as Kratos does when its lag is still 0
                latencyNanos = sampleNanos;
                success = sampleSuccess;
            } else {
                double w = Math.exp(-Math.max(0, now - lastCompletion) / decayNanos);
                latencyNanos = latencyNanos * w + sampleNanos * (1 - w);
                success = success * w + sampleSuccess * (1 - w);
            }
            lastCompletion = now;
        } finally {
            lock.unlock();
        }
    }

    private void unlink(Call call) {
        if (call.prev == null) {
            oldest = call.next;
        } else {
            call.prev.next = call.next;
        }
        if (call.next == null) {
            newest = call.prev;
        } else {
            call.next.prev = call.prev;
        }
        call.prev = null;
        call.next = null;
    }

    /** The load now; lower is better. */
    public double load() {
        return load(nanoClock.getAsLong());
    }

    /** The load at {@code nowNanos} (a reading of this node's clock), so a picker reads the clock once. */
    public double load(long nowNanos) {
        double lag = latencyNanos;
        int calls = inFlight;
        double predict = predict(nowNanos, lag);
        return Math.sqrt(Math.max(lag, predict) / NANOS_PER_MILLI + LATENCY_FLOOR_MILLIS) * (calls + 1);
    }

    /**
     * The prediction, recomputed if the last one is older than the predict interval. Between recomputations every
     * caller reads the last value: the walk is O(in flight) and pickers call this twice per call.
     */
    private double predict(long nowNanos, double lag) {
        long last = predictedAt.get();
        boolean due = last == NEVER || nowNanos - last > predictInterval(lag);
        if (due && predictedAt.compareAndSet(last, nowNanos)) {
            long predicted = overdueMeanAge(nowNanos, lag);
            predictedNanos = predicted;
            return predicted;
        }
        return predictedNanos;
    }

    /** Latency EWMA / 5, within 5..200 ms: a fast backend is re-predicted soon after it stalls, a slow one less often. */
    static long predictInterval(double latencyNanos) {
        long fifth = (long) (latencyNanos / 5);
        return Math.clamp(fifth, MIN_PREDICT_INTERVAL_NANOS, MAX_PREDICT_INTERVAL_NANOS);
    }

    /** Mean age of the calls older than {@code lag} when they are more than half (+1) of those in flight, else 0. */
    private long overdueMeanAge(long nowNanos, double lag) {
        lock.lock();
        try {
            int overdue = 0;
            long totalAge = 0;
            // every call, not only a prefix: starts read the clock before taking the lock, so the list is in start
            // order only roughly, and the walk happens at most once per interval anyway
            for (Call call = oldest; call != null; call = call.next) {
                long age = nowNanos - call.start;
                if (age > lag) {
                    overdue++;
                    totalAge += age;
                }
            }
            return overdue > inFlight / 2 + 1 ? totalAge / overdue : 0;
        } finally {
            lock.unlock();
        }
    }

    /** Success-rate EWMA in [0, 1]; only server-side failures ({@link ServerFailures}) count against it. */
    public double successRate() {
        return success;
    }

    /** Latency EWMA in nanoseconds; {@link #PENALTY} until the first call completes. */
    public double latencyNanos() {
        return latencyNanos;
    }

    public int inFlight() {
        return inFlight;
    }

    /**
     * The in-flight prediction as last computed by {@link #load} (nanoseconds, 0 = none): the mean age of the overdue
     * calls when most calls in flight are overdue.
     */
    public long predictionNanos() {
        return predictedNanos;
    }

    public int weight() {
        return weight;
    }

    /** A re-resolved backend keeps its statistics and takes its new weight. */
    public void weight(int weight) {
        if (weight <= 0) {
            throw new IllegalArgumentException("weight must be positive, got " + weight);
        }
        this.weight = weight;
    }

    /** Records that a picker chose this backend at {@code nowNanos}. */
    public void markPicked(long nowNanos) {
        lastPick.set(nowNanos);
    }

    /**
     * Claims the forced pick of a backend nobody chose for longer than {@code gapNanos}: true for one caller only
     * (the claim is the compare-and-set of the pick time), false while the backend was chosen recently.
     */
    public boolean claimForcedPick(long nowNanos, long gapNanos) {
        long last = lastPick.get();
        boolean due = last == NEVER || nowNanos - last > gapNanos;
        return due && lastPick.compareAndSet(last, nowNanos);
    }

    @Override
    public String toString() {
        return "EwmaNode{latencyMs=" + latencyNanos / NANOS_PER_MILLI + ", predictMs="
                + predictedNanos / NANOS_PER_MILLI + ", success=" + success + ", inFlight=" + inFlight + ", weight="
                + weight + '}';
    }

    /** One call in flight on the node; an element of the node's in-flight list. */
    public final class Call {
        private final long start;
        private Call prev; // guarded by the node's lock, like next and done
        private Call next;
        private boolean done;

        private Call(long start) {
            this.start = start;
        }

        /**
         * Records the outcome and takes the call off the in-flight list. Only the first finish counts: transports
         * may report a close twice, and a second one must not corrupt the list or the samples.
         */
        public void finish(boolean serverFailure) {
            EwmaNode.this.finish(this, serverFailure);
        }
    }
}
