package dev.plaza.im.comet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Starting, reporting and stopping. */
class CometLifecycleIT {
    private CometHarness h;

    @AfterEach
    void tearDown() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void onlineCountsAreReportedPeriodically() {
        h = new CometHarness(CometHarness.BASE.withOnlineInterval(Duration.ofMillis(100)));
        h.goim(Wire.TCP, 1, "live://1");
        h.goim(Wire.WS, 2, "live://1");
        h.bilibili(Wire.WS, 0, "", 2, 0);

        await().atMost(Duration.ofSeconds(3))
                .until(() -> h.listener.onlines.contains(Map.of("live://1", 2, "live://2", 1)));
    }

    @Test
    void closeClosesEveryConnectionReportsDisconnectsAndStopsListening() {
        h = CometHarness.start();
        PacketClient tcp = h.goim(Wire.TCP, 1, "live://1");
        PacketClient ws = h.goim(Wire.WS, 2, "live://1");
        PacketClient anon = h.bilibili(Wire.TCP, 0, "", 1, 0);
        int tcpPort = h.comet.tcpPort();
        h.comet.broadcastRoom("live://1", 1000, "bye".getBytes(StandardCharsets.UTF_8));

        h.comet.close();

        tcp.awaitClosed();
        ws.awaitClosed();
        anon.awaitClosed();
        // the open batch went out before the connections closed
        assertThat(tcp.next().op()).isEqualTo(dev.plaza.im.protocol.Op.RAW);
        assertThat(h.listener.disconnects).hasSize(2);
        assertThat(h.comet.connections()).isZero();
        assertThat(h.registry.get(CometMetrics.CONNECTIONS).gauge().value()).isZero();
        assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", tcpPort), 1000))
                .isInstanceOf(IOException.class);
    }

    @Test
    void serversCanBeTurnedOffAndPathsOtherThanSubAreNotFound() throws Exception {
        h = new CometHarness(CometHarness.BASE.withPorts(CometConfig.OFF, 0));
        assertThat(h.comet.tcpPort()).isEqualTo(CometConfig.OFF);
        assertThat(h.comet.wsPort()).isPositive();

        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.comet.wsPort() + "/other")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aPortInUseFailsStart() {
        h = CometHarness.start();
        CometConfig clash = CometHarness.BASE.withPorts(h.comet.tcpPort(), 0);
        Comet second = new Comet(clash, new FakeListener(), new SimpleMeterRegistry());
        assertThatThrownBy(second::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(String.valueOf(h.comet.tcpPort()));
        second.close();
    }
}
