package dev.plaza.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EngineOptionsTest {
    @Test
    void defaultsPickFreePortsAndSmallHeaps() {
        EngineOptions o = EngineOptions.defaults();
        for (EngineKind kind : EngineKind.values()) {
            assertThat(o.port(kind)).isZero();
        }
        assertThat(o.heap(EngineKind.KAFKA)).isEqualTo("512m");
        assertThat(o.heap(EngineKind.OPENSEARCH)).isEqualTo("512m");
        assertThat(o.heap(EngineKind.ZOOKEEPER)).isEqualTo("128m");
    }

    @Test
    void withersCopy() {
        EngineOptions base = EngineOptions.defaults();
        EngineOptions fixed = base.withPort(EngineKind.MARIADB, 3306).withHeap(EngineKind.KAFKA, "1g")
                .withStartTimeout(Duration.ofSeconds(5));
        assertThat(fixed.port(EngineKind.MARIADB)).isEqualTo(3306);
        assertThat(fixed.heap(EngineKind.KAFKA)).isEqualTo("1g");
        assertThat(fixed.startTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(base.port(EngineKind.MARIADB)).isZero();
        assertThatThrownBy(() -> base.withPort(EngineKind.REDIS, 70000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFixedPortInUseFailsClearly() throws Exception {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> Ports.resolve(s.getLocalPort(), "Redis"))
                    .hasMessageContaining("port " + s.getLocalPort() + " for Redis");
        }
        assertThat(Ports.resolve(0, "x")).isPositive();
    }
}
