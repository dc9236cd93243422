package dev.plaza.im.comet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.im.protocol.Packet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A broadcast with a speed reaches everyone, a slice of connections every tenth of a second. */
class CometPacedBroadcastIT {
    @Test
    void aPacedBroadcastReachesEveryoneSpreadOverTime() {
        try (CometHarness h = CometHarness.start()) {
            List<PacketClient> clients = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                clients.add(h.goim(Wire.TCP, 10 + i, ""));
            }
            long t0 = System.nanoTime();
            // 10 a second: one connection per 100 ms slice, so the last of 4 gets it about 300 ms in
            assertThat(h.comet.broadcast(1000, "all".getBytes(StandardCharsets.UTF_8), 10)).isEqualTo(4);
            long lastAt = 0;
            for (PacketClient c : clients) {
                Packet p = c.next();
                assertThat(p.op()).isEqualTo(1000);
                assertThat(p.bodyText()).isEqualTo("all");
                lastAt = Math.max(lastAt, System.nanoTime() - t0);
            }
            assertThat(lastAt).as("the last slice waited its turn").isGreaterThanOrEqualTo(250_000_000L);

            // without a speed it goes out at once
            long t1 = System.nanoTime();
            assertThat(h.comet.broadcast(1000, "now".getBytes(StandardCharsets.UTF_8), 0)).isEqualTo(4);
            for (PacketClient c : clients) {
                assertThat(c.next().bodyText()).isEqualTo("now");
            }
            assertThat(System.nanoTime() - t1).isLessThan(250_000_000L);
        }
    }
}
