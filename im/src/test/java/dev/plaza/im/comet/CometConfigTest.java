package dev.plaza.im.comet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CometConfigTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        CometConfig c = CometConfig.defaults();
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.tcpPort()).isEqualTo(3101);
        assertThat(c.wsPort()).isEqualTo(3102);
        assertThat(c.buckets()).isEqualTo(32);
        assertThat(c.sendQueue()).isEqualTo(1024);
        assertThat(c.handshakeTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.allowAnonymous()).isTrue();
        assertThat(c.onlineInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void nonsenseIsRejected() {
        CometConfig d = CometConfig.defaults();
        assertThatThrownBy(() -> d.withPorts(-1, -1)).hasMessageContaining("at least one");
        assertThatThrownBy(() -> d.withPorts(70000, 0)).hasMessageContaining("tcpPort");
        assertThatThrownBy(() -> d.withSendQueue(0)).hasMessageContaining("sendQueue");
        assertThatThrownBy(() -> d.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("handshakeTimeout");
        assertThatThrownBy(() -> d.withBatching(Duration.ofMillis(-1), 10)).hasMessageContaining("batchDelay");
        assertThatThrownBy(() -> d.withBatching(Duration.ZERO, 0)).hasMessageContaining("batchMax");
        assertThat(d.withBatching(Duration.ZERO, 1).batchDelay()).isZero();
    }
}
