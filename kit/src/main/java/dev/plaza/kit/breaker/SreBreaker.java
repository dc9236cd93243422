package dev.plaza.kit.breaker;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Client-side adaptive throttling from Google's SRE book ("Handling Overload"), the breaker of Kratos's aegis. Over a
 * sliding window the client counts the requests it attempted and those the dependency accepted; once the window
 * holds {@code minRequests} requests, each new call is rejected locally with probability
 *
 * <pre>    max(0, (requests - K * accepts) / (requests + 1))</pre>
 *
 * <p>There is no open / half-open state machine: a healthy dependency has {@code requests ~ accepts} and nothing is
 * dropped; a dead one has {@code accepts = 0} and nearly everything is dropped, but never everything, so the calls
 * that still go out notice when it is back and the probability falls as accepts return.
 *
 * <p>What counts: a call let through counts as a request when it ends ({@link #markSuccess} also counts an accept,
 * {@link #markFailure} does not), so a burst of slow calls in flight is not mistaken for failure. A call
 * {@link #allow} rejects counts as a request at once: it is something the application wanted and did not get, which
 * keeps the probability up while the dependency stays down (the book counts requests "at the application layer").
 *
 * <p>Thread-safe and lock-free; {@link #allow} costs one clock read and a scan of the buckets.
 */
public final class SreBreaker {
    private final RollingCounter counts; // first = requests, second = accepts
    private final double k;
    private final long minRequests;
    private final DoubleSupplier random;

    public SreBreaker(BreakerConfig config) {
        // a lambda, not ThreadLocalRandom.current()::nextDouble: that would bind the creating thread's generator
        this(config, () -> ThreadLocalRandom.current().nextDouble(), System::nanoTime);
    }

    /** {@code random} returns values in [0, 1); {@code nanoClock} is monotonic, like {@link System#nanoTime}. */
    public SreBreaker(BreakerConfig config, DoubleSupplier random, LongSupplier nanoClock) {
        this.counts = new RollingCounter(config.window(), config.buckets(), nanoClock);
        this.k = config.k();
        this.minRequests = config.minRequests();
        this.random = random;
    }

    /** May this call go out? False means fail it at once; the caller does not mark it. */
    public boolean allow() {
        double drop = dropProbability(counts.totals());
        if (drop > 0 && random.getAsDouble() < drop) {
            counts.add(1, 0);
            return false;
        }
        return true;
    }

    /** The dependency answered: with a result, or with an error that is the caller's own (bad argument, not found). */
    public void markSuccess() {
        counts.add(1, 1);
    }

    /** The dependency failed to answer (unavailable, timed out, overloaded, internal error). */
    public void markFailure() {
        counts.add(1, 0);
    }

    /** For metrics and health pages: what the window holds now and the probability the next call is dropped. */
    public State state() {
        RollingCounter.Totals totals = counts.totals();
        double drop = dropProbability(totals);
        return new State(drop > 0 ? Mode.THROTTLING : Mode.CLOSED, drop, totals.first(), totals.second());
    }

    private double dropProbability(RollingCounter.Totals totals) {
        long requests = totals.first();
        if (requests < minRequests) {
            return 0;
        }
        return Math.max(0, (requests - k * totals.second()) / (requests + 1));
    }

    public enum Mode {
        /** Every call goes out. */
        CLOSED,
        /** Calls are dropped with {@link State#dropProbability()}. */
        THROTTLING
    }

    public record State(Mode mode, double dropProbability, long requests, long accepts) {
    }
}
