package dev.plaza.kit.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.LoadBalancer.PickResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class P2cPickerTest {
    private static final Duration FORCE_PICK = Duration.ofSeconds(3);

    private final FakeClock clock = new FakeClock();

    private Backend backend(int port, int weight) {
        return new Backend(FakeSubchannel.at(port), new EwmaNode(clock, Duration.ofMillis(600), weight),
                "127.0.0.1:" + port);
    }

    /** Gives the backend a measured latency, as one finished call would. */
    private void measure(Backend backend, long latencyMillis) {
        EwmaNode.Call call = backend.node().start();
        clock.advanceMillis(latencyMillis);
        call.finish(false);
    }

    private P2cPicker picker(RandomGenerator random, Backend... backends) {
        return new P2cPicker(List.of(backends), random, clock, FORCE_PICK);
    }

    @Test
    void aSingleBackendIsAlwaysPicked() {
        Backend only = backend(1, 100);
        only.node().start(); // even busy and unmeasured
        P2cPicker picker = picker(new ScriptedRandom(), only);
        for (int i = 0; i < 5; i++) {
            assertThat(picker.choose()).isSameAs(only);
        }
        PickResult result = picker.pickSubchannel(null);
        assertThat(result.getSubchannel()).isSameAs(only.subchannel());
        assertThat(result.getStreamTracerFactory()).isSameAs(only.tracerFactory());
    }

    @Test
    void theLowerLoadWinsWhicheverIsDrawnFirst() {
        Backend fast = backend(1, 100);
        Backend slow = backend(2, 100);
        measure(fast, 5);
        measure(slow, 50);
        P2cPicker picker = picker(new ScriptedRandom().draw(0, 1).draw(1, 0), fast, slow);
        slow.node().markPicked(clock.getAsLong()); // not due for a forced pick

        assertThat(picker.choose()).isSameAs(fast);
        assertThat(picker.choose()).isSameAs(fast);
    }

    @Test
    void callsInFlightOutweighASmallLatencyEdge() {
        Backend a = backend(1, 100);
        Backend b = backend(2, 100);
        measure(a, 2);
        measure(b, 3);
        a.node().start();
        a.node().start(); // sqrt(7) * 3 > sqrt(8) * 1
        b.node().markPicked(clock.getAsLong());
        a.node().markPicked(clock.getAsLong());
        assertThat(picker(new ScriptedRandom().draw(0, 1), a, b).choose()).isSameAs(b);
    }

    @Test
    void aFailingBackendLosesToAHealthyOne() {
        Backend failing = backend(1, 100);
        Backend healthy = backend(2, 100);
        EwmaNode.Call call = failing.node().start();
        call.finish(true); // 0 ms and failed: fast, but its success rate is 0
        measure(healthy, 40);
        failing.node().markPicked(clock.getAsLong());
        assertThat(picker(new ScriptedRandom().draw(0, 1), failing, healthy).choose()).isSameAs(healthy);
    }

    @Test
    void theLoserIsPickedOnceWhenItWentUnpickedForThreeSeconds() {
        Backend fast = backend(1, 100);
        Backend slow = backend(2, 100);
        measure(fast, 5);
        measure(slow, 50);
        ScriptedRandom random = new ScriptedRandom();
        P2cPicker picker = picker(random, fast, slow);

        random.draw(0, 1);
        assertThat(picker.choose()).isSameAs(slow); // never picked before: due at once
        random.draw(1, 0).draw(0, 1);
        assertThat(picker.choose()).isSameAs(fast);
        assertThat(picker.choose()).isSameAs(fast);

        clock.advanceMillis(2_900);
        random.draw(0, 1);
        assertThat(picker.choose()).isSameAs(fast); // 2.9 s: not yet

        clock.advanceMillis(200);
        random.draw(0, 1).draw(1, 0);
        assertThat(picker.choose()).isSameAs(slow); // 3.1 s: once...
        assertThat(picker.choose()).isSameAs(fast); // ...then the load decides again
    }

    @Test
    void theDrawIsOfTwoDistinctBackends() {
        Backend[] backends = new Backend[5];
        for (int i = 0; i < backends.length; i++) {
            backends[i] = backend(i + 1, 100);
            measure(backends[i], 10 + i); // backend 0 is best, 4 worst
            backends[i].node().markPicked(clock.getAsLong());
        }
        ScriptedRandom random = new ScriptedRandom();
        P2cPicker picker = picker(random, backends);
        // nextInt(5) = 4, nextInt(4) = 3 -> b = 3 < 4 stays 3: candidates 4 and 3, 3 wins
        random.draw(4, 3);
        assertThat(picker.choose()).isSameAs(backends[3]);
        // nextInt(5) = 3, nextInt(4) = 3 -> b >= a becomes 4: candidates 3 and 4, never 3 twice
        random.draw(3, 4);
        assertThat(picker.choose()).isSameAs(backends[3]);
    }

    @Test
    void weightsShiftPicks() {
        assertThat(shareOfFirst(100, 100)).isBetween(0.45, 0.55);
        assertThat(shareOfFirst(200, 100)).isGreaterThan(0.6);
        assertThat(shareOfFirst(100, 200)).isLessThan(0.4);
    }

    /**
     * Simulates two equal backends under steady load (a call every millisecond, each taking 10 ms) and returns the
     * share of calls the first one got.
     */
    private double shareOfFirst(int weightA, int weightB) {
        Backend a = backend(1, weightA);
        Backend b = backend(2, weightB);
        P2cPicker picker = picker(new SplittableRandom(42), a, b);
        Deque<EwmaNode.Call> inFlight = new ArrayDeque<>();
        Map<Backend, Integer> picks = new HashMap<>();
        int calls = 20_000;
        for (int i = 0; i < calls; i++) {
            Backend chosen = picker.choose();
            picks.merge(chosen, 1, Integer::sum);
            inFlight.add(chosen.node().start());
            clock.advanceMillis(1);
            if (inFlight.size() == 10) {
                inFlight.poll().finish(false);
            }
        }
        return picks.getOrDefault(a, 0) / (double) calls;
    }

    @Test
    void aPickerNeedsABackend() {
        assertThatThrownBy(() -> new P2cPicker(List.of(), new SplittableRandom(), clock, FORCE_PICK))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
