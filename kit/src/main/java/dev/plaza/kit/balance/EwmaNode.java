package dev.plaza.kit.balance;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * What one client knows about one backend, as in Kratos' {@code selector/node/ewma}: a latency EWMA, a success-rate
 * EWMA, the calls in flight and how old the oldest of them is. {@link #load} turns that into one number, lower is
 * better:
 *
 * <pre>load = sqrt(max(latency EWMA, age of the oldest call in flight) + 5 ms) * (in flight + 1)</pre>
 *
 * <ul>
 *   <li>The EWMA decays with time, not with the number of samples: {@code w = exp(-td / tau)} where {@code td} is the
 *       time since the previous completion. A busy and a quiet backend forget at the same pace (tau = 600 ms: a
 *       sample 600 ms old weighs 37%), and the first sample after a long silence replaces the old value.</li>
 *   <li>The oldest call's age is the prediction: a backend that stopped answering has no completions to pull its
 *       EWMA up, but its oldest call keeps ageing, so its load rises without waiting for a timeout.</li>
 *   <li>The square root keeps latency from dominating in-flight counts (a 4x slower backend weighs 2x), and the
 *       5 ms floor makes sub-millisecond noise irrelevant: near-equal backends are told apart by what they have in
 *       flight, which is what spreads load.</li>
 *   <li>"In flight + 1" counts the call about to be placed (Kratos starts its counter at 1), so an idle backend is
 *       ranked by latency alone instead of scoring zero.</li>
 *   <li>A backend never measured counts as {@link #PENALTY} (10 s) slow: it gets traffic from forced picks (see
 *       {@link P2cPicker}) until its first call completes, not a stampede.</li>
 * </ul>
 *
 * <p>Thread-safe. Calls start and finish under a small lock (the in-flight list must stay ordered by start time to
 * know the oldest); {@link #load} reads volatile fields only, so picking never waits.
 */
public final class EwmaNode {
    /** Kratos' tau: a sample's weight falls to 1/e after 600 ms, to half after 416 ms (tau * ln 2). */
    public static final Duration DEFAULT_DECAY = Duration.ofMillis(600);
    /** The latency a backend is assumed to have before its first call completes (Kratos' penalty). */
    public static final Duration PENALTY = Duration.ofSeconds(10);
    /** Added under the square root so sub-millisecond differences between healthy backends do not matter. */
    static final double LATENCY_FLOOR_MILLIS = 5.0;

    private static final long NEVER = Long.MIN_VALUE;
    private static final double NANOS_PER_MILLI = 1_000_000.0;

    private final LongSupplier nanoClock;
    private final double decayNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong lastPick = new AtomicLong(NEVER);

    // guarded by lock: the in-flight calls, oldest first, and when a call last completed
    private Call oldest;
    private Call newest;
    private long lastCompletion = NEVER;

    // written under lock, read by pickers without it
    private volatile int inFlight;
    private volatile long oldestStart = NEVER;
    private volatile double latencyNanos = PENALTY.toNanos();
    private volatile double success = 1.0;

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
                oldestStart = call.start;
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
            oldestStart = oldest == null ? NEVER : oldest.start;
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
        long start = oldestStart;
        if (start != NEVER) {
            lag = Math.max(lag, nowNanos - start);
        }
        return Math.sqrt(lag / NANOS_PER_MILLI + LATENCY_FLOOR_MILLIS) * (calls + 1);
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

    /** Age of the oldest call in flight at {@code nowNanos}, 0 with none in flight. */
    public long oldestInFlightNanos(long nowNanos) {
        long start = oldestStart;
        return start == NEVER ? 0 : Math.max(0, nowNanos - start);
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
        return "EwmaNode{latencyMs=" + latencyNanos / NANOS_PER_MILLI + ", success=" + success + ", inFlight="
                + inFlight + ", weight=" + weight + '}';
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
