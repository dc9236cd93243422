package dev.plaza.im.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.plaza.api.im.v1.PushMsg;
import dev.plaza.kit.mq.MqRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The job's handler over hand-made records and fake comets (the Kafka path is in ImJobFlowIT). */
class PushDispatcherTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private FakeComet a;
    private FakeComet b;
    private CometDelivery delivery;
    private PushDispatcher dispatcher;
    private long offset;

    @BeforeEach
    void start() throws Exception {
        a = new FakeComet();
        b = new FakeComet();
        Map<String, io.grpc.Channel> channels = new LinkedHashMap<>();
        channels.put("comet-a", a.channel());
        channels.put("comet-b", b.channel());
        delivery = new CometDelivery(new StaticCometDirectory(channels),
                new CometDelivery.Settings(Duration.ofSeconds(2), 2, Duration.ofMillis(5)), meters);
        dispatcher = new PushDispatcher(delivery, new RoomBatcher.Settings(Duration.ofMillis(10), 4), meters);
    }

    @AfterEach
    void stop() {
        dispatcher.close();
        delivery.close();
        a.close();
        b.close();
    }

    private MqRecord record(byte[] value) {
        return new MqRecord("im-push", 0, offset++, null, value, Map.of(), Instant.now());
    }

    private MqRecord room(String room, String body) {
        return record(PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setRoom(room).setOp(5)
                .setBody(ByteString.copyFromUtf8(body)).build().toByteArray());
    }

    @Test
    void eachTypeGoesWhereItBelongsAndRoomsAreBatchedInOrder() throws Exception {
        List<MqRecord> records = new ArrayList<>();
        records.add(record(PushMsg.newBuilder().setType(PushMsg.Type.KEYS).setServer("comet-b").addKeys("k1")
                .setOp(5).setBody(ByteString.copyFromUtf8("private")).build().toByteArray()));
        for (int i = 0; i < 10; i++) {
            records.add(room("live://1", "m" + i));
        }
        records.add(record(PushMsg.newBuilder().setType(PushMsg.Type.BROADCAST).setOp(6).setSpeed(0)
                .setBody(ByteString.copyFromUtf8("everyone")).build().toByteArray()));
        dispatcher.handle(records);

        // handle() returned: everything is delivered already
        assertThat(b.pushKeys).hasSize(1);
        assertThat(a.pushKeys).isEmpty();
        for (FakeComet c : List.of(a, b)) {
            assertThat(c.roomBodies("live://1")).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7",
                    "m8", "m9");
            assertThat(c.rooms).hasSize(3); // 4 + 4 + 2
            assertThat(c.broadcasts).extracting(r -> r.getBody().toStringUtf8()).containsExactly("everyone");
        }
        assertThat(meters.get("im.job.room.batch.messages").summary().count()).isEqualTo(3);
    }

    @Test
    void undecodableAndIncompleteMessagesAreSkippedAndCounted() throws Exception {
        dispatcher.handle(List.of(
                record(new byte[] {(byte) 0xff, 0x01, 0x02}),
                record(null),
                record(PushMsg.newBuilder().setType(PushMsg.Type.KEYS).setOp(5).build().toByteArray()),
                record(PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOp(5).build().toByteArray()),
                room("live://2", "ok")));
        assertThat(a.roomBodies("live://2")).containsExactly("ok");
        assertThat(meters.get("im.job.skipped").counter().count()).isEqualTo(4);
    }
}
