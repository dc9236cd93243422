package dev.plaza.kit.balance;

import dev.plaza.kit.errors.ServerFailures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
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

    @Test
    void theOldestCallInFlightPredictsTheLatencyWhenItIsOlderThanTheAverage() {
        call(10, false);
        EwmaNode.Call first = node.start();
        clock.advanceMillis(50);
        EwmaNode.Call second = node.start();
        clock.advanceMillis(150);
        long now = clock.getAsLong();

        // oldest is 200 ms old, > 10 ms average: a backend that stopped answering looks slow before any timeout
        assertThat(node.oldestInFlightNanos(now) / MS).isCloseTo(200, within(1e-9));
        assertThat(node.load()).isCloseTo(Math.sqrt(200 + 5) * 3, within(1e-9));

        first.finish(false); // the 150 ms-old one is now the oldest
        assertThat(node.oldestInFlightNanos(now) / MS).isCloseTo(150, within(1e-9));
        assertThat(node.load()).isCloseTo(Math.sqrt(Math.max(node.latencyNanos() / MS, 150) + 5) * 2, within(1e-9));

        second.finish(false);
        assertThat(node.inFlight()).isZero();
        assertThat(node.oldestInFlightNanos(now)).isZero();
        assertThat(node.load()).isCloseTo(Math.sqrt(node.latencyNanos() / MS + 5), within(1e-9));
    }

    @Test
    void finishingOutOfOrderKeepsTheOldestRight() {
        EwmaNode.Call a = node.start();
        clock.advanceMillis(10);
        EwmaNode.Call b = node.start();
        clock.advanceMillis(10);
        EwmaNode.Call c = node.start();
        clock.advanceMillis(10);
        long now = clock.getAsLong();

        b.finish(false);
        assertThat(node.oldestInFlightNanos(now) / MS).isCloseTo(30, within(1e-9));
        a.finish(false);
        assertThat(node.oldestInFlightNanos(now) / MS).isCloseTo(10, within(1e-9));
        EwmaNode.Call d = node.start();
        c.finish(false);
        assertThat(node.oldestInFlightNanos(now)).isZero(); // d started "now"
        d.finish(false);
        assertThat(node.inFlight()).isZero();
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
