package dev.plaza.kit.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VanishGuardTest {
    private final AtomicLong now = new AtomicLong();
    private final VanishGuard guard = new VanishGuard(0.5, Duration.ofSeconds(10), Duration.ofSeconds(30), now::get);

    private static ServiceInstance i(int port) {
        return ServiceInstance.of("svc", "127.0.0.1", port);
    }

    @Test
    void lossesSlowerThanTheWindowAreTakenAsTheyCome() {
        assertThat(guard.accept(List.of(i(1), i(2), i(3), i(4)))).hasSize(4);
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertThat(guard.accept(List.of(i(1), i(2), i(3)))).hasSize(3);
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertThat(guard.accept(List.of(i(1), i(3)))).hasSize(2);
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        assertThat(guard.accept(List.of(i(3)))).as("a rolling restart one per window").containsExactly(i(3));
        assertThat(guard.protecting()).isFalse();
    }

    @Test
    void lossesAddUpWithinTheWindowEvenWhenReportedOneByOne() {
        guard.accept(List.of(i(1), i(2), i(3)));
        assertThat(guard.accept(List.of(i(1), i(2)))).as("1 of 3: fine").hasSize(2);
        assertThat(guard.accept(List.of(i(1)))).as("2 of the 3 seen within the window").hasSize(3);
        assertThat(guard.protecting()).isTrue();
    }

    @Test
    void moreThanTheShareVanishingAtOnceKeepsTheLastGoodListForTheHoldTime() {
        guard.accept(List.of(i(1), i(2), i(3)));
        assertThat(guard.accept(List.of(i(1)))).as("2 of 3 gone at once").containsExactly(i(1), i(2), i(3));
        assertThat(guard.protecting()).isTrue();
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(guard.accept(List.of(i(1), i(9)))).as("newcomers join the kept list")
                .containsExactlyInAnyOrder(i(1), i(2), i(3), i(9));
        assertThat(guard.remaining()).isEqualTo(Duration.ofSeconds(20));
        now.addAndGet(Duration.ofSeconds(20).toNanos());
        assertThat(guard.accept(List.of(i(1), i(9)))).as("after the hold time the registry is believed")
                .containsExactly(i(1), i(9));
        assertThat(guard.protecting()).isFalse();
    }

    @Test
    void recoveringWithinTheHoldTimeEndsProtection() {
        guard.accept(List.of(i(1), i(2), i(3)));
        guard.accept(List.of());
        assertThat(guard.protecting()).isTrue();
        assertThat(guard.accept(List.of(i(1), i(2), i(3)))).hasSize(3);
        assertThat(guard.protecting()).isFalse();
    }
}
