package dev.plaza.kit.balance;

import dev.plaza.kit.errors.ServerFailures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class EwmaNodeTest {
    private static final double MS = 1_000_000.0;

    private final FakeClock clock = new FakeClock();
    private final EwmaNode node = new EwmaNode(clock, Duration.ofMillis(600), 100);

    private void call(long latencyMillis, boolean serverFailure) {
        EwmaNode.Call call = node.start();
        clock.advanceMillis(latencyMillis);
        call.finish(serverFailure);
    }

    @Test
    void anUnmeasuredNodeCountsAsTenSecondsSlow() {
        assertThat(node.latencyNanos()).isEqualTo(EwmaNode.PENALTY.toNanos());
        assertThat(node.load()).isCloseTo(Math.sqrt(10_000 + 5), within(1e-9));
    }

    @Test
    void theFirstSampleReplacesThePenaltyThenSamplesDecayWithTime() {
        call(10, false);
        assertThat(node.latencyNanos() / MS).isCloseTo(10, within(1e-9));

        // 90 ms later a 30 ms call: 120 ms since the previous completion, w = exp(-120/600)
        clock.advanceMillis(90);
        call(30, false);
        double w = Math.exp(-120.0 / 600.0);
        assertThat(node.latencyNanos() / MS).isCloseTo(10 * w + 30 * (1 - w), within(1e-6));
        assertThat(node.latencyNanos() / MS).isCloseTo(13.625, within(1e-3));
    }

    @Test
    void aLongSilenceForgetsTheOldLatency() {
        call(100, false);
        clock.advanceMillis(6_000); // ten taus: w = e^-10
        call(2, false);
        assertThat(node.latencyNanos() / MS).isCloseTo(2, within(0.01));
    }

    @Test
    void aSampleRightAfterAnotherMovesTheAverageLittle() {
        EwmaNode.Call slow = node.start();
        clock.advanceMillis(990);
        call(10, false); // completes at 1000 ms: the first sample, 10 ms
        clock.advanceMillis(1);
        slow.finish(false); // 1001 ms, but only 1 ms after the previous completion: w = exp(-1/600)
        double w = Math.exp(-1.0 / 600.0);
        assertThat(node.latencyNanos() / MS).isCloseTo(10 * w + 1001 * (1 - w), within(1e-6));
        assertThat(node.latencyNanos() / MS).isLessThan(12); // the burst's weight is time, not count
    }

    @Test
    void loadIsTheRootOfLatencyPlusFiveMillisTimesInFlightPlusOne() {
        call(20, false);
        assertThat(node.load()).isCloseTo(Math.sqrt(25), within(1e-9));
        node.start();
        node.start();
        // two in flight, both 0 ms old: the average still rules
        assertThat(node.inFlight()).isEqualTo(2);
        assertThat(node.load()).isCloseTo(Math.sqrt(25) * 3, within(1e-9));
    }

    /** The load {@link EwmaNode#load} must give for a latency and a prediction, both in ms. */
    private static double expectedLoad(double latencyMillis, double predictMillis, int inFlight) {
        return Math.sqrt(Math.max(latencyMillis, predictMillis) + 5) * (inFlight + 1);
    }

    /** A node measured at 10 ms with {@code stuck} calls 100 ms old and {@code fresh} calls just started. */
    private EwmaNode measuredWith(int stuck, int fresh) {
        EwmaNode n = new EwmaNode(clock, Duration.ofMillis(600), 100);
        EwmaNode.Call first = n.start();
        clock.advanceMillis(10);
        first.finish(false);
        for (int i = 0; i < stuck; i++) {
            n.start();
        }
        clock.advanceMillis(100);
        for (int i = 0; i < fresh; i++) {
            n.start();
        }
        return n;
    }

    @Test
    void aBackendWhoseCallsAreAllStuckGetsARisingLoad() {
        call(10, false);
        for (int i = 0; i < 10; i++) {
            node.start(); // the backend stops answering: nothing completes, the EWMA stays at 10 ms
        }
        double previous = node.load();
        for (int step = 1; step <= 10; step++) {
            clock.advanceMillis(50); // past the 5 ms interval: every load() recomputes
            double load = node.load();
            assertThat(node.predictionNanos() / MS).isCloseTo(50.0 * step, within(1e-9));
            assertThat(load).isCloseTo(expectedLoad(10, 50.0 * step, 10), within(1e-9)).isGreaterThan(previous);
            previous = load;
        }
        assertThat(node.latencyNanos() / MS).isCloseTo(10, within(1e-9));
    }

    @Test
    void thePredictionIsTheMeanAgeOfTheOverdueCallsWhenTheyAreMoreThanHalfPlusOne() {
        call(10, false);
        for (int i = 0; i < 7; i++) {
            node.start();
            clock.advanceMillis(10);
        }
        clock.advanceMillis(40); // the seven are 110, 100, ... 50 ms old
        for (int i = 0; i < 3; i++) {
            node.start(); // three just started: not overdue
        }
        // 7 overdue > 10 / 2 + 1: their mean age, not the oldest one's
        assertThat(node.load()).isCloseTo(expectedLoad(10, 80, 10), within(1e-9));
        assertThat(node.predictionNanos() / MS).isCloseTo(80, within(1e-9));

        // at the threshold and below, nothing is predicted (each a fresh node, measured at 10 ms, calls 100 ms old)
        assertThat(predictionMillis(measuredWith(7, 3))).isEqualTo(100);
        assertThat(predictionMillis(measuredWith(6, 4))).isZero(); // 6 is not more than 10 / 2 + 1
        assertThat(predictionMillis(measuredWith(3, 0))).isEqualTo(100); // 3 > 3 / 2 + 1
        assertThat(predictionMillis(measuredWith(2, 0))).isZero(); // 2 is not more than 2 / 2 + 1
        assertThat(predictionMillis(measuredWith(1, 0))).isZero(); // a lone stuck call shows in the count only
    }

    private static double predictionMillis(EwmaNode n) {
        n.load();
        return n.predictionNanos() / MS;
    }

    @Test
    void oneSlowStragglerAmongManyQuickCallsDoesNotChangeTheLoad() {
        call(8, false);
        EwmaNode.Call straggler = node.start();
        Deque<EwmaNode.Call> quick = new ArrayDeque<>();
        for (int step = 0; step < 300; step++) { // 600 ms of steady traffic: a call every 2 ms, each taking 8 ms
            clock.advanceMillis(2);
            quick.addLast(node.start());
            if (quick.size() > 4) {
                quick.removeFirst().finish(false);
            }
            assertThat(node.load()).isCloseTo(expectedLoad(node.latencyNanos() / MS, 0, node.inFlight()),
                    within(1e-9));
            assertThat(node.predictionNanos()).isZero();
        }
        assertThat(node.inFlight()).isEqualTo(5);
        assertThat(node.latencyNanos() / MS).isCloseTo(8, within(1e-6));
        // the oldest call's age, the previous predictor, would have made this backend look 75 times slower
        assertThat(node.load()).isLessThan(expectedLoad(0, 600, 5) / 5);
        straggler.finish(false);
    }

    @Test
    void thePredictIntervalIsAFifthOfTheLatencyClampedTo5To200Millis() {
        assertThat(EwmaNode.predictInterval(1 * MS)).isEqualTo(5_000_000L);
        assertThat(EwmaNode.predictInterval(25 * MS)).isEqualTo(5_000_000L);
        assertThat(EwmaNode.predictInterval(100 * MS)).isEqualTo(20_000_000L);
        assertThat(EwmaNode.predictInterval(1_000 * MS)).isEqualTo(200_000_000L);
        assertThat(EwmaNode.predictInterval(EwmaNode.PENALTY.toNanos())).isEqualTo(200_000_000L);
    }

    @Test
    void thePredictionIsRecomputedOncePerInterval() {
        assertRecomputedAfter(1, 5); // 1 / 5 ms is below the floor: 5 ms
        assertRecomputedAfter(100, 20); // 100 / 5
        assertRecomputedAfter(2_000, 200); // 2000 / 5 is above the ceiling: 200 ms
    }

    /** A node measured at {@code latencyMillis} with ten stuck calls keeps its prediction for {@code intervalMillis}. */
    private void assertRecomputedAfter(long latencyMillis, long intervalMillis) {
        EwmaNode n = new EwmaNode(clock, Duration.ofMillis(600), 100);
        EwmaNode.Call first = n.start();
        clock.advanceMillis(latencyMillis);
        first.finish(false);
        for (int i = 0; i < 10; i++) {
            n.start();
        }
        long age = latencyMillis + 50;
        clock.advanceMillis(age);
        assertThat(predictionMillis(n)).as("first prediction at %d ms", latencyMillis).isEqualTo(age);

        clock.advanceMillis(intervalMillis - 1);
        assertThat(n.load()).isCloseTo(expectedLoad(latencyMillis, age, 10), within(1e-9));
        assertThat(n.predictionNanos() / MS).as("within the interval at %d ms", latencyMillis).isEqualTo(age);

        clock.advanceMillis(2);
        assertThat(predictionMillis(n)).as("after the interval at %d ms", latencyMillis)
                .isEqualTo(age + intervalMillis + 1);
    }

    @Test
    void finishingOutOfOrderKeepsTheInFlightListRight() {
        // an hour-long decay keeps the EWMA near 1 ms whatever finishes, so every call older than 2 ms is overdue
        EwmaNode n = new EwmaNode(clock, Duration.ofHours(1), 100);
        EwmaNode.Call measured = n.start();
        clock.advanceMillis(1);
        measured.finish(false);
        List<EwmaNode.Call> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) { // a..h, 80 down to 10 ms old
            calls.add(n.start());
            clock.advanceMillis(10);
        }
        calls.get(2).finish(false); // c and e: from the middle
        calls.get(4).finish(false);
        assertThat(predictionMillis(n)).isCloseTo((80 + 70 + 50 + 30 + 20 + 10) / 6.0, within(1e-6));

        clock.advanceMillis(6);
        calls.get(0).finish(false); // a: the head
        calls.get(7).finish(false); // h: the tail
        assertThat(predictionMillis(n)).isCloseTo((76 + 56 + 36 + 26) / 4.0, within(1e-6));

        EwmaNode.Call i = n.start(); // appended after the tail was removed
        clock.advanceMillis(6);
        assertThat(n.inFlight()).isEqualTo(5);
        assertThat(predictionMillis(n)).isCloseTo((82 + 62 + 42 + 32 + 6) / 5.0, within(1e-6));

        for (int k : new int[] {3, 1, 6, 5}) {
            calls.get(k).finish(false);
        }
        i.finish(false);
        clock.advanceMillis(6);
        assertThat(n.inFlight()).isZero();
        assertThat(predictionMillis(n)).isZero();
        assertThat(n.latencyNanos() / MS).isLessThan(2);
    }

    @Test
    void aSecondFinishIsIgnored() {
        EwmaNode.Call call = node.start();
        clock.advanceMillis(5);
        call.finish(false);
        double latency = node.latencyNanos();
        clock.advanceMillis(500);
        call.finish(true);
        assertThat(node.inFlight()).isZero();
        assertThat(node.latencyNanos()).isEqualTo(latency);
        assertThat(node.successRate()).isEqualTo(1.0);
    }

    @Test
    void successRateIsAnEwmaOfServerFailures() {
        assertThat(node.successRate()).isEqualTo(1.0);
        call(1, true); // the first sample replaces the initial 1.0, as in Kratos
        assertThat(node.successRate()).isZero();

        clock.advanceMillis(599);
        call(1, false); // 600 ms after the failure: w = 1/e
        assertThat(node.successRate()).isCloseTo(1 - Math.exp(-1), within(1e-9));

        clock.advanceMillis(299);
        call(1, true); // 300 ms later: w = exp(-0.5)
        assertThat(node.successRate()).isCloseTo((1 - Math.exp(-1)) * Math.exp(-0.5), within(1e-9));
    }

    @Test
    void onlyServerSideCodesAreFailures() {
        assertThat(ServerFailures.isServerFailure(io.grpc.Status.Code.UNAVAILABLE)).isTrue();
        assertThat(ServerFailures.isServerFailure(io.grpc.Status.Code.DEADLINE_EXCEEDED)).isTrue();
        assertThat(ServerFailures.isServerFailure(io.grpc.Status.Code.INTERNAL)).isTrue();
        assertThat(ServerFailures.isServerFailure(io.grpc.Status.Code.UNKNOWN)).isTrue();
        assertThat(ServerFailures.isServerFailure(io.grpc.Status.Code.RESOURCE_EXHAUSTED)).isTrue();
        assertThat(ServerFailures.isServerFailure(io.grpc.Status.Code.DATA_LOSS)).isTrue();
        assertThat(ServerFailures.isServerFailure(io.grpc.Status.Code.OK)).isFalse();
        assertThat(ServerFailures.isServerFailure(io.grpc.Status.Code.NOT_FOUND)).isFalse();
        assertThat(ServerFailures.isServerFailure(io.grpc.Status.Code.INVALID_ARGUMENT)).isFalse();
        assertThat(ServerFailures.isServerFailure(io.grpc.Status.Code.CANCELLED)).isFalse();
    }

    @Test
    void aForcedPickIsClaimedOncePerGap() {
        long gap = Duration.ofSeconds(3).toNanos();
        assertThat(node.claimForcedPick(clock.getAsLong(), gap)).isTrue(); // never picked: due at once
        assertThat(node.claimForcedPick(clock.getAsLong(), gap)).isFalse();
        clock.advanceMillis(3_001);
        assertThat(node.claimForcedPick(clock.getAsLong(), gap)).isTrue();
        clock.advanceMillis(2_000);
        node.markPicked(clock.getAsLong());
        clock.advanceMillis(2_000);
        assertThat(node.claimForcedPick(clock.getAsLong(), gap)).isFalse(); // picked 2 s ago
    }
}
