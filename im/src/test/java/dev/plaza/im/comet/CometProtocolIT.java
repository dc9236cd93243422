package dev.plaza.im.comet;

import static dev.plaza.im.comet.CometHarness.heartbeatOnline;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.im.protocol.Op;
import dev.plaza.im.protocol.Packet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Packets that break the protocol close their own connection and no other. */
class CometProtocolIT {
    private CometHarness h;
    private PacketClient bystander;

    @BeforeEach
    void setUp() {
        h = CometHarness.start();
        bystander = h.goim(Wire.TCP, 100, "live://1");
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    /** The offender was closed and counted; the bystander still gets answers and pushes. */
    private void assertOnlyOffenderClosed(PacketClient offender) {
        offender.awaitClosed();
        assertThat(h.count(CometMetrics.PROTOCOL_ERRORS)).isEqualTo(1);
        assertThat(bystander.isClosed()).isFalse();
        assertThat(heartbeatOnline(bystander)).isEqualTo(1);
        h.comet.broadcast(1000, "still on".getBytes(StandardCharsets.UTF_8));
        assertThat(bystander.next().bodyText()).isEqualTo("still on");
        assertThat(h.comet.connections()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void garbageBytesClose(Wire wire) {
        PacketClient offender = h.goim(wire, 1, "live://1");
        byte[] garbage = "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        offender.sendRaw(garbage);

        assertOnlyOffenderClosed(offender);
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void anOversizedPacketCloses(Wire wire) {
        PacketClient offender = h.goim(wire, 1, "live://1");
        // the largest allowed body still goes through
        byte[] max = new byte[Packet.MAX_CLIENT_BODY];
        Arrays.fill(max, (byte) 'x');
        offender.send(new Packet(1, Op.SEND_MSG, 1, max));
        assertThat(offender.next().body()).hasSize(Packet.MAX_CLIENT_BODY);

        offender.send(new Packet(1, Op.SEND_MSG, 2, new byte[Packet.MAX_CLIENT_BODY + 1]));

        assertOnlyOffenderClosed(offender);
        assertThat(offender.received()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void aHeaderLengthOtherThan16Closes(Wire wire) {
        PacketClient offender = h.goim(wire, 1, "live://1");
        byte[] bad = Packet.of(1, Op.HEARTBEAT, 1, "x").toBytes();
        ByteBuffer.wrap(bad).putShort(4, (short) 18);

        offender.sendRaw(bad);

        assertOnlyOffenderClosed(offender);
        assertThat(offender.received()).isEmpty();
    }

    @Test
    void aTruncatedPacketInAWebSocketFrameCloses() {
        PacketClient offender = h.goim(Wire.WS, 1, "live://1");
        byte[] whole = Packet.of(1, Op.HEARTBEAT, 1, "abc").toBytes();

        offender.sendRaw(Arrays.copyOf(whole, whole.length - 1));

        assertOnlyOffenderClosed(offender);
    }

    @Test
    void aTextWebSocketFrameCloses() {
        WsClient offender = (WsClient) h.goim(Wire.WS, 1, "live://1");

        offender.sendText("{\"op\":2}");

        assertOnlyOffenderClosed(offender);
    }

    @Test
    void aBadRoomIdCloses() {
        PacketClient offender = h.goim(Wire.TCP, 1, "live://1");

        offender.send(Packet.of(1, Op.CHANGE_ROOM, 1, "not a room"));

        offender.awaitClosed();
        assertThat(h.count(CometMetrics.PROTOCOL_ERRORS)).isEqualTo(1);
        assertThat(heartbeatOnline(bystander)).isEqualTo(1);
    }

    @Test
    void severalPacketsInOneWebSocketFrameAreAllAnswered() {
        PacketClient c = h.goim(Wire.WS, 1, "live://1");
        byte[] a = Packet.of(1, Op.HEARTBEAT, 1, "").toBytes();
        byte[] b = Packet.of(1, Op.SEND_MSG, 2, "two").toBytes();
        byte[] frame = new byte[a.length + b.length];
        System.arraycopy(a, 0, frame, 0, a.length);
        System.arraycopy(b, 0, frame, a.length, b.length);

        c.sendRaw(frame);

        assertThat(c.next().op()).isEqualTo(Op.HEARTBEAT_REPLY);
        Packet echo = c.next();
        assertThat(echo.op()).isEqualTo(Op.SEND_MSG_REPLY);
        assertThat(echo.bodyText()).isEqualTo("two");
        assertThat(h.count(CometMetrics.PROTOCOL_ERRORS)).isZero();
    }
}
