package dev.plaza.kit.balance;

import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.LoadBalancer.SubchannelPicker;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Power of two choices over the ready backends, as Kratos' {@code selector/p2c}: draw two distinct backends at random
 * and send the call to the one with the lower {@code load / (success rate * weight)}. Two random candidates are
 * nearly as good as scanning all of them and never herd every client onto the same "best" backend.
 *
 * <p>A backend that keeps losing would never be measured again, and its statistics would never recover: when the
 * loser of a draw has not been chosen for {@link #DEFAULT_FORCE_PICK} (3 s), it is chosen once instead, by one caller
 * only. That one call refreshes its latency and success rate (with a 3 s gap the old EWMA is almost forgotten).
 *
 * <p>Immutable apart from the backends' own statistics; the balancer makes a new picker when the ready set changes.
 */
public final class P2cPicker extends SubchannelPicker {
    /** Kratos' forcePick. */
    public static final Duration DEFAULT_FORCE_PICK = Duration.ofSeconds(3);

    private final Backend[] backends;
    private final RandomGenerator random;
    private final LongSupplier nanoClock;
    private final long forcePickNanos;

    /**
     * @param backends  the ready backends, at least one
     * @param random    draws the candidates; share-safe across threads (the balancer passes a thread-local one)
     * @param nanoClock the clock of the backends' {@link EwmaNode}s
     * @param forcePick how long a losing backend may go unchosen before it is chosen once anyway
     */
    public P2cPicker(List<Backend> backends, RandomGenerator random, LongSupplier nanoClock, Duration forcePick) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("a picker needs at least one backend");
        }
        this.backends = backends.toArray(Backend[]::new);
        this.random = random;
        this.nanoClock = nanoClock;
        this.forcePickNanos = forcePick.toNanos();
    }

    @Override
    public PickResult pickSubchannel(PickSubchannelArgs args) {
        Backend backend = choose();
        return PickResult.withSubchannel(backend.subchannel(), backend.tracerFactory());
    }

    /** The backend for the next call. */
    public Backend choose() {
        long now = nanoClock.getAsLong();
        int n = backends.length;
        if (n == 1) {
            backends[0].node().markPicked(now);
            return backends[0];
        }
        int a = random.nextInt(n);
        int b = random.nextInt(n - 1);
        if (b >= a) {
            b++; // distinct from a, every other backend equally likely
        }
        Backend first = backends[a];
        Backend second = backends[b];
        Backend chosen;
        Backend other;
        if (ranksAbove(second, first, now)) {
            chosen = second;
            other = first;
        } else {
            chosen = first;
            other = second;
        }
        if (other.node().claimForcedPick(now, forcePickNanos)) {
            return other; // the claim recorded the pick
        }
        chosen.node().markPicked(now);
        return chosen;
    }

    /**
     * {@code x.load / (x.success * x.weight) < y.load / (y.success * y.weight)}, cross-multiplied so a success rate
     * of 0 ranks last instead of dividing by zero. Ties go to y, the first drawn.
     */
    private static boolean ranksAbove(Backend x, Backend y, long now) {
        EwmaNode nx = x.node();
        EwmaNode ny = y.node();
        return nx.load(now) * ny.successRate() * ny.weight() < ny.load(now) * nx.successRate() * nx.weight();
    }

    /** The backends this picker chooses from, in no particular order. */
    public List<Backend> backends() {
        return List.of(backends);
    }

    @Override
    public String toString() {
        return "P2cPicker" + List.of(backends);
    }
}
