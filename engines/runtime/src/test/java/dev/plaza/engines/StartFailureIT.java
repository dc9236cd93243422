package dev.plaza.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failing engine fails the whole start with its log tail, and the engines that did come up are stopped again. */
@Order(3)
class StartFailureIT {
    @TempDir
    Path tmp;

    @Test
    void aFailingEngineStopsTheOthersAndReportsItsLog() {
        Set<Long> before = LifecycleIT.descendants();
        // a heap too small for Kafka: the child JVM dies during start
        EngineOptions options = EngineOptions.defaults().withHeap(EngineKind.KAFKA, "6m");
        assertThatThrownBy(() -> Engines.start(tmp.resolve("data"), EnumSet.of(EngineKind.MARIADB, EngineKind.KAFKA),
                options))
                .isInstanceOfSatisfying(EngineStartException.class,
                        e -> assertThat(e.failed()).containsExactly(EngineKind.KAFKA))
                .hasMessageContaining("KAFKA child JVM exited with code")
                .hasMessageContaining("last lines of " + tmp.resolve("data/kafka/kafka.log"));
        Set<Long> left = new HashSet<>(LifecycleIT.descendants());
        left.removeAll(before);
        assertThat(left).as("processes left after a failed start").isEmpty();
    }

    @Test
    void theDataDirCannotBeUsedTwiceAtOnce() throws Exception {
        Path dir = tmp.resolve("shared");
        try (Engines first = Engines.start(dir, EnumSet.noneOf(EngineKind.class))) {
            assertThat(first.kinds()).isEmpty();
            assertThatThrownBy(() -> Engines.start(dir, EnumSet.of(EngineKind.REDIS)))
                    .hasMessageContaining("is in use by another running Plaza");
        }
        try (Engines again = Engines.start(dir, EnumSet.of(EngineKind.REDIS))) {
            assertThat(again.endpoints().redisPort()).isPositive();
        }
    }
}
