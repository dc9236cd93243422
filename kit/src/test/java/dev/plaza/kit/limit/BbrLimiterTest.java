package dev.plaza.kit.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.plaza.kit.errors.PlazaError;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BbrLimiterTest {
    private static final long MS = 1_000_000L;
    private static final long BUCKET = 100 * MS; // the default: 10 s in 100 buckets
    /** An arbitrary clock origin on a bucket boundary, far from 0 so nothing works only by accident of zero. */
    private static final long T0 = 987_654 * BUCKET;

    private final AtomicLong clock = new AtomicLong(T0);
    private final AtomicInteger cpu = new AtomicInteger();
    private final BbrLimiter limiter = BbrLimiter.builder("test", cpu::get).nanoClock(clock::get).build();
    private final List<Allowance> held = new ArrayList<>();

    /** n requests start now and all complete {@code rtMillis} later (in the same bucket when it fits). */
    private void complete(int n, double rtMillis) {
        List<Allowance> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            batch.add(limiter.allow());
        }
        clock.addAndGet((long) (rtMillis * MS));
        batch.forEach(Allowance::done);
    }

    /** Moves the clock to the start of bucket {@code index} (counted from T0's bucket). */
    private void atBucket(int index) {
        clock.set(T0 + index * BUCKET);
    }

    /** Requests that are admitted and kept in flight. */
    private void hold(int n) {
        for (int i = 0; i < n; i++) {
            held.add(limiter.allow());
        }
    }

    private boolean admits(Criticality c) {
        try {
            held.add(limiter.allow(c));
            return true;
        } catch (PlazaError e) {
            return false;
        }
    }

    private boolean admits() {
        return admits(Criticality.DEFAULT);
    }

    /** Fills the window so that maxPass = 100 and minRt = 5 ms: maxInFlight = ceil(100 * 5 * 10 / 1000) = 5. */
    private void learnMaxInFlightOf5() {
        atBucket(0);
        complete(100, 20);
        atBucket(1);
        complete(10, 5);
        atBucket(2);
    }

    @Test
    void maxPassAndMinRtComeFromFullBucketsOnly() {
        atBucket(0);
        complete(50, 20); // 50 passed, 20 ms each
        atBucket(1);
        complete(100, 30);
        atBucket(2);
        complete(10, 4.2); // the bucket still filling: not counted yet

        BbrLimiter.Snapshot filling = limiter.snapshot();
        assertThat(filling.maxPass()).isEqualTo(100);
        assertThat(filling.minRtMillis()).isEqualTo(20);
        assertThat(filling.maxInFlight()).isEqualTo(20); // ceil(100 * 20 * 10 / 1000)

        atBucket(3);
        BbrLimiter.Snapshot full = limiter.snapshot();
        assertThat(full.minRtMillis()).as("4.2 ms rounds up").isEqualTo(5);
        assertThat(full.maxInFlight()).isEqualTo(5); // ceil(100 * 5 * 10 / 1000)
        assertThat(full.inFlight()).isZero();
    }

    @Test
    void emptyWindowAndSubMillisecondResponsesCountAsOneMillisecond() {
        assertThat(limiter.snapshot()).isEqualTo(new BbrLimiter.Snapshot(0, 0, 1, 1, 1));

        atBucket(0);
        complete(250, 0.2);
        atBucket(1);
        BbrLimiter.Snapshot s = limiter.snapshot();
        assertThat(s.minRtMillis()).isEqualTo(1);
        assertThat(s.maxInFlight()).isEqualTo(3); // ceil(250 * 1 * 10 / 1000) = ceil(2.5)
    }

    @Test
    void neverDropsBelowTheCpuThresholdWithoutARecentDrop() {
        learnMaxInFlightOf5();
        cpu.set(799);
        hold(50); // ten times the limit

        assertThat(admits()).isTrue();
        assertThat(admits(Criticality.SHEDDABLE)).isTrue();
        assertThat(limiter.dropped()).isZero();
        assertThat(limiter.passed()).isEqualTo(100 + 10 + 52);
    }

    @Test
    void dropsAtTheCpuThresholdOnceInFlightExceedsMaxInFlight() {
        learnMaxInFlightOf5();
        cpu.set(800);
        hold(5);
        assertThat(admits()).as("in flight 5 is not above 5").isTrue();

        PlazaError e = catchThrowableOfType(PlazaError.class, limiter::allow);
        assertThat(e.code()).isEqualTo(-503);
        assertThat(e.reason()).isEqualTo(BbrLimiter.LIMIT_EXCEEDED);
        assertThat(e.grpcStatus()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(limiter.dropped()).isEqualTo(1);
        assertThat(limiter.inFlight()).isEqualTo(6);

        held.removeFirst().done();
        assertThat(admits()).as("back to 5 in flight").isTrue();
        assertThat(admits()).isFalse();
    }

    @Test
    void tryAllowAnswersNullInsteadOfThrowingAndCountsTheDrop() {
        learnMaxInFlightOf5();
        cpu.set(900);
        hold(6);
        assertThat(limiter.tryAllow(Criticality.DEFAULT)).isNull();
        assertThat(limiter.dropped()).isEqualTo(1);
        assertThat(limiter.inFlight()).as("a refusal takes no slot").isEqualTo(6);
        assertThat(limiter.rejection()).isSameAs(catchThrowableOfType(PlazaError.class, limiter::allow));

        held.removeFirst().done();
        held.removeFirst().done();
        Allowance a = limiter.tryAllow(Criticality.DEFAULT);
        assertThat(a).isNotNull();
        assertThat(limiter.inFlight()).isEqualTo(5);
        a.done();
    }

    @Test
    void doneFreesTheSlotOnceEvenIfCalledTwice() {
        Allowance a = limiter.allow();
        a.done();
        a.done();
        try (Allowance b = limiter.allow()) {
            assertThat(limiter.inFlight()).isEqualTo(1);
        }
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void coolOffKeepsDroppingForOneSecondAfterTheLastHotDropThenStops() {
        learnMaxInFlightOf5();
        hold(6);
        cpu.set(900);
        assertThat(admits()).isFalse(); // the hot drop, at bucket 2
        long hotDrop = clock.get();

        cpu.set(100); // the average comes down; the excess is still there
        clock.set(hotDrop + 500 * MS);
        assertThat(admits()).as("0.5 s after the drop").isFalse();
        clock.set(hotDrop + 999 * MS);
        assertThat(admits()).as("drops in the cool-off do not prolong it").isFalse();
        clock.set(hotDrop + 1000 * MS);
        assertThat(admits()).as("1 s after the last hot drop").isTrue();
        assertThat(admits()).isTrue();
    }

    @Test
    void aLaterHotDropRestartsTheCoolOff() {
        learnMaxInFlightOf5();
        hold(6);
        cpu.set(850);
        assertThat(admits()).isFalse();
        clock.addAndGet(800 * MS);
        assertThat(admits()).isFalse();
        long lastHotDrop = clock.get();

        cpu.set(0);
        clock.set(lastHotDrop + 700 * MS);
        assertThat(admits()).isFalse();
        clock.set(lastHotDrop + 1000 * MS);
        assertThat(admits()).isTrue();
    }

    @Test
    void inTheCoolOffOnlyTheExcessIsDropped() {
        learnMaxInFlightOf5();
        hold(6);
        cpu.set(1000);
        assertThat(admits()).isFalse();
        cpu.set(0);
        held.subList(0, 3).forEach(Allowance::done);
        held.subList(0, 3).clear();

        assertThat(admits()).as("3 in flight, limit 5").isTrue();
    }

    @Test
    void windowSlidesAndForgetsOldBuckets() {
        atBucket(0);
        complete(100, 10);
        atBucket(50);
        complete(20, 10);

        atBucket(99); // bucket 0 is the oldest of the 99 full buckets
        assertThat(limiter.snapshot().maxPass()).isEqualTo(100);
        atBucket(100);
        assertThat(limiter.snapshot().maxPass()).as("bucket 0 left the window").isEqualTo(20);
        atBucket(150);
        assertThat(limiter.snapshot()).as("everything forgotten")
                .isEqualTo(new BbrLimiter.Snapshot(0, 0, 1, 1, 1));

        complete(7, 3); // the slot of bucket 50 is reused: its old count must not leak into the new one
        atBucket(151);
        assertThat(limiter.snapshot().maxPass()).isEqualTo(7);
        assertThat(limiter.snapshot().minRtMillis()).isEqualTo(3);
    }

    @Test
    void criticalitySheddableGoesFirstCriticalLast() {
        atBucket(0);
        complete(100, 10); // maxInFlight = ceil(100 * 10 * 10 / 1000) = 10
        atBucket(1);
        hold(9);
        cpu.set(1000);

        assertThat(admits(Criticality.SHEDDABLE)).as("9 > 0.8 x 10").isFalse();
        assertThat(admits(Criticality.DEFAULT)).as("9 of 10").isTrue();
        assertThat(admits(Criticality.DEFAULT)).as("10 of 10").isTrue();
        assertThat(admits(Criticality.DEFAULT)).as("11 > 10").isFalse();
        assertThat(admits(Criticality.CRITICAL)).as("11 of 12").isTrue();
        assertThat(admits(Criticality.CRITICAL)).as("12 of 12").isTrue();
        assertThat(admits(Criticality.CRITICAL)).as("13 > 1.2 x 10").isFalse();
    }

    @Test
    void criticalityParsesHeaderValues() {
        assertThat(Criticality.parse("CRITICAL")).isEqualTo(Criticality.CRITICAL);
        assertThat(Criticality.parse(" sheddable ")).isEqualTo(Criticality.SHEDDABLE);
        assertThat(Criticality.parse("whatever")).isEqualTo(Criticality.DEFAULT);
        assertThat(Criticality.parse(null)).isEqualTo(Criticality.DEFAULT);
    }

    @Test
    void otherWindowShapes() {
        BbrLimiter oneSecond = BbrLimiter.builder("short", cpu::get).nanoClock(clock::get)
                .window(Duration.ofSeconds(1)).buckets(4).build(); // 250 ms buckets, 4 per second
        clock.set(T0);
        List<Allowance> batch = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            batch.add(oneSecond.allow());
        }
        clock.addAndGet(40 * MS);
        batch.forEach(Allowance::done);
        clock.set(T0 + 250 * MS);
        assertThat(oneSecond.maxInFlight()).isEqualTo(5); // ceil(30 * 40 * 4 / 1000) = ceil(4.8)
    }

    @Test
    void builderRefusesNonsense() {
        assertThatThrownBy(() -> BbrLimiter.builder("x", cpu::get).buckets(1).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BbrLimiter.builder("x", cpu::get).cpuThreshold(1001).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BbrLimiter.builder("x", cpu::get).window(Duration.ofNanos(10)).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BbrLimiter.builder(" ", cpu::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CpuSource.fixed(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(LimiterConfig.defaults()).isEqualTo(new LimiterConfig(true, Duration.ofSeconds(10), 100, 800,
                Duration.ofSeconds(1)));
    }

    @Test
    void concurrentCallersLeaveNothingInFlight() throws Exception {
        BbrLimiter real = BbrLimiter.builder("real", CpuSource.fixed(0)).build();
        int threads = 4;
        int perThread = 200_000;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        real.allow().done();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        assertThat(real.inFlight()).isZero();
        assertThat(real.passed()).isEqualTo((long) threads * perThread);
        assertThat(real.dropped()).isZero();
    }
}
