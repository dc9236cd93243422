package dev.plaza.kit.hotkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HotKeyDetectorTest {
    private static final Duration WINDOW = Duration.ofSeconds(10);

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final HeavyKeeper keeper = new HeavyKeeper(new HeavyKeeper.Settings(3, 64, 4, 0.925, 42),
            new SplittableRandom(1), k -> { });
    private final HotKeyDetector detector = new HotKeyDetector("subject", keeper,
            new HotKeyDetector.Settings(5, WINDOW), nanos::get, meters);

    @Test
    void aTopKKeyIsHotOnlyFromMinCountOn() {
        for (int i = 1; i <= 4; i++) {
            assertThat(detector.record("a")).as("read %d", i).isFalse();
        }
        assertThat(keeper.contains("a")).isTrue(); // top K already, but 4 reads are not hot
        assertThat(detector.record("a")).isTrue();
        assertThat(detector.isHot("a")).isTrue();
        assertThat(detector.hot()).containsExactly(new HotKey("a", 5));
        assertThat(detector.record("b", 4)).isFalse();
        assertThat(promoted()).isEqualTo(1);
        assertThat(hotGauge()).isEqualTo(1);
    }

    @Test
    void aKeyOutsideTheTopKIsNotHotWhateverItsCount() {
        detector.record("a", 100);
        detector.record("b", 100);
        detector.record("c", 100);
        assertThat(detector.record("d", 50)).isFalse(); // 50 >= minCount, but three keys are hotter
        assertThat(keeper.estimate("d")).isEqualTo(50);
        assertThat(hotGauge()).isEqualTo(3);
    }

    @Test
    void eachEndedWindowHalvesTheCountsAndAKeyCoolsDown() {
        detector.record("a", 8);
        assertThat(detector.isHot("a")).isTrue();

        nanos.addAndGet(WINDOW.toNanos() - 1);
        assertThat(detector.fadeIfDue()).isFalse(); // not yet
        nanos.addAndGet(1);
        assertThat(detector.record("other")).isFalse(); // the first read after the window fades first
        assertThat(keeper.topCount("a")).isEqualTo(4);
        assertThat(detector.isHot("a")).isFalse();
        assertThat(hotGauge()).isZero();

        assertThat(detector.record("a")).isTrue(); // 4 + 1: hot again, a second promotion
        assertThat(promoted()).isEqualTo(2);
    }

    @Test
    void windowsWithoutReadsAreMadeUpAtTheNextRead() {
        detector.record("a", 64);
        nanos.addAndGet(3 * WINDOW.toNanos() + 5);
        detector.record("b");
        assertThat(keeper.topCount("a")).isEqualTo(8); // 64 halved three times
        nanos.addAndGet(WINDOW.toNanos() - 5); // the schedule keeps its phase: this is the fourth window's end
        assertThat(detector.fadeIfDue()).isTrue();
        assertThat(keeper.topCount("a")).isEqualTo(4);
    }

    @Test
    void theBackgroundThreadFadesWithoutReadsUntilClosed() {
        detector.record("a", 64);
        detector.start();
        nanos.addAndGet(WINDOW.toNanos());
        await().atMost(Duration.ofSeconds(5)).until(() -> keeper.topCount("a") == 32);
        detector.close();
        nanos.addAndGet(WINDOW.toNanos());
        assertThat(keeper.topCount("a")).isEqualTo(32);
        assertThat(meters.find(HotKeyMetricNames.HOT).gauge()).isNull();
        assertThat(detector.isHot("a")).isTrue(); // still answers
    }

    private double promoted() {
        return meters.get(HotKeyMetricNames.PROMOTED).tag(HotKeyMetricNames.CACHE, "subject").counter().count();
    }

    private double hotGauge() {
        return meters.get(HotKeyMetricNames.HOT).tag(HotKeyMetricNames.CACHE, "subject").gauge().value();
    }
}
