package dev.plaza.kit.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SreBreakerTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    /** What the breaker's next coin toss returns; 0 rejects whenever the drop probability is above 0. */
    private double toss;
    private final SreBreaker breaker = new SreBreaker(BreakerConfig.DEFAULT, () -> toss, nanos::get);

    private void fail(int n) {
        for (int i = 0; i < n; i++) {
            breaker.markFailure();
        }
    }

    private void succeed(int n) {
        for (int i = 0; i < n; i++) {
            breaker.markSuccess();
        }
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void nothingIsRejectedBelowMinRequests() {
        fail(19);
        toss = 0;

        assertThat(breaker.allow()).isTrue();
        assertThat(breaker.state()).isEqualTo(new SreBreaker.State(SreBreaker.Mode.CLOSED, 0, 19, 0));
    }

    @Test
    void dropProbabilityIsRequestsMinusTwiceAcceptsOverRequestsPlusOne() {
        succeed(5);
        fail(25);

        double p = (30 - 2 * 5) / 31.0;
        assertThat(breaker.state().dropProbability()).isEqualTo(p);
        assertThat(breaker.state().mode()).isEqualTo(SreBreaker.Mode.THROTTLING);

        toss = p; // not below p: let through, and not counted until it is marked
        assertThat(breaker.allow()).isTrue();
        assertThat(breaker.state().requests()).isEqualTo(30);

        toss = Math.nextDown(p); // just below p: dropped, and the drop counts as a request not accepted
        assertThat(breaker.allow()).isFalse();
        assertThat(breaker.state()).isEqualTo(new SreBreaker.State(SreBreaker.Mode.THROTTLING, 21 / 32.0, 31, 5));
    }

    @Test
    void kIsConfigurable() {
        SreBreaker strict = new SreBreaker(BreakerConfig.DEFAULT.withK(1.5), () -> 0, nanos::get);
        for (int i = 0; i < 20; i++) {
            strict.markSuccess();
        }
        for (int i = 0; i < 20; i++) {
            strict.markFailure();
        }

        assertThat(strict.state().dropProbability()).isEqualTo((40 - 1.5 * 20) / 41);
    }

    @Test
    void aDependencyAnsweringAtLeastHalfTheCallsIsNotThrottled() {
        succeed(500);
        fail(500); // requests = 2 * accepts: exactly at the edge
        toss = 0;

        assertThat(breaker.state().dropProbability()).isZero();
        assertThat(breaker.allow()).isTrue();
    }

    @Test
    void aDeadDependencyIsNearlyAlwaysDroppedButNeverAlways() {
        fail(100);

        assertThat(breaker.state().dropProbability()).isEqualTo(100 / 101.0);
        toss = 0.995; // the 1-in-101 call that still goes out to see whether the dependency is back
        assertThat(breaker.allow()).isTrue();
    }

    @Test
    void theWindowSlidesAndTheBreakerRecovers() {
        fail(50);
        advance(Duration.ofSeconds(5));
        fail(50);
        toss = 0;
        assertThat(breaker.allow()).isFalse();
        assertThat(breaker.state().requests()).isEqualTo(101);

        advance(Duration.ofSeconds(5)); // the first 50 leave the window; the second 50 and the drop stay
        assertThat(breaker.state().requests()).isEqualTo(51);
        assertThat(breaker.state().dropProbability()).isEqualTo(51 / 52.0);

        advance(Duration.ofSeconds(5));
        assertThat(breaker.state()).isEqualTo(new SreBreaker.State(SreBreaker.Mode.CLOSED, 0, 0, 0));
        assertThat(breaker.allow()).isTrue();
    }

    @Test
    void successesBringTheProbabilityDownWithoutWaitingForTheWindow() {
        fail(40);
        assertThat(breaker.state().dropProbability()).isEqualTo(40 / 41.0);

        succeed(30); // the dependency is back: 70 requests, 30 accepts
        assertThat(breaker.state().dropProbability()).isEqualTo((70 - 60) / 71.0);

        succeed(10);
        assertThat(breaker.state().mode()).isEqualTo(SreBreaker.Mode.CLOSED);
    }

    @Test
    void bucketsAreReusedAcrossManyWindows() {
        for (int i = 0; i < 200; i++) { // 200 quarter seconds: every slot of the ring reused five times
            breaker.markSuccess();
            advance(Duration.ofMillis(250));
        }
        // a bucket is a quarter second: the ten seconds behind "now" hold the last 39 or 40 marks
        assertThat(breaker.state().accepts()).isBetween(39L, 40L);
    }

    @Test
    void configIsValidated() {
        assertThat(BreakerConfig.defaults()).isEqualTo(new BreakerConfig(Duration.ofSeconds(10), 40, 2.0, 20));
        assertThatThrownBy(() -> BreakerConfig.DEFAULT.withK(0.9)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BreakerConfig.DEFAULT.withK(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BreakerConfig.DEFAULT.withMinRequests(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BreakerConfig.DEFAULT.withWindow(Duration.ZERO, 10))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BreakerConfig.DEFAULT.withWindow(Duration.ofMillis(10), 40))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
