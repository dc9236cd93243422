package dev.plaza.im.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.plaza.api.im.v1.BroadcastRequest;
import dev.plaza.api.im.v1.BroadcastRoomRequest;
import dev.plaza.api.im.v1.PushKeysRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Calls to fake comets over real in-process gRPC: retries, giving up, fan-out, the speed share. */
class CometDeliveryTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private FakeComet a;
    private FakeComet b;
    private CometDelivery delivery;

    @BeforeEach
    void start() throws Exception {
        a = new FakeComet();
        b = new FakeComet();
        Map<String, io.grpc.Channel> channels = new LinkedHashMap<>();
        channels.put("comet-a", a.channel());
        channels.put("comet-b", b.channel());
        delivery = new CometDelivery(new StaticCometDirectory(channels),
                new CometDelivery.Settings(Duration.ofSeconds(2), 3, Duration.ofMillis(10)), meters);
    }

    @AfterEach
    void stop() {
        delivery.close();
        a.close();
        b.close();
    }

    private double calls(String method, String result) {
        var c = meters.find("im.job.comet.calls").tag("method", method).tag("result", result).counter();
        return c == null ? 0 : c.count();
    }

    private static PushKeysRequest keys(String body) {
        return PushKeysRequest.newBuilder().addKeys("k1").setOp(5).setBody(ByteString.copyFromUtf8(body)).build();
    }

    @Test
    void aKeyPushGoesToItsCometOnly() throws Exception {
        delivery.pushKeys("comet-b", keys("hi"));
        assertThat(b.pushKeys).containsExactly(keys("hi"));
        assertThat(a.pushKeys).isEmpty();
        assertThat(calls("PushKeys", "ok")).isEqualTo(1);
    }

    @Test
    void aFailingCallIsRetriedWithBackoff() throws Exception {
        b.failNext.set(2);
        delivery.pushKeys("comet-b", keys("hi"));
        assertThat(b.refused).hasValue(2);
        assertThat(b.pushKeys).hasSize(1);
        assertThat(calls("PushKeys", "retried")).isEqualTo(2);
        assertThat(calls("PushKeys", "ok")).isEqualTo(1);
    }

    @Test
    void aCometThatKeepsFailingIsGivenUpOnAndTheOthersStillGetTheMessage() throws Exception {
        b.failNext.set(-1);
        BroadcastRoomRequest r = BroadcastRoomRequest.newBuilder().setRoom("live://1").setOp(5)
                .addBodies(ByteString.copyFromUtf8("x")).build();
        long start = System.nanoTime();
        delivery.broadcastRoom(r);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("bounded by the attempts")
                .isLessThan(Duration.ofSeconds(2));
        assertThat(a.rooms).containsExactly(r);
        assertThat(b.rooms).isEmpty();
        assertThat(b.refused).hasValue(3);
        assertThat(calls("BroadcastRoom", "gave_up")).isEqualTo(1);
        assertThat(calls("BroadcastRoom", "ok")).isEqualTo(1);
    }

    @Test
    void anUnknownCometIsSkippedAndCounted() throws Exception {
        delivery.pushKeys("comet-gone", keys("hi"));
        assertThat(a.pushKeys).isEmpty();
        assertThat(b.pushKeys).isEmpty();
        assertThat(meters.get("im.job.comet.unknown").counter().count()).isEqualTo(1);
    }

    @Test
    void aBroadcastReachesEveryCometWithItsShareOfTheSpeed() throws Exception {
        delivery.broadcast(BroadcastRequest.newBuilder().setOp(5).setBody(ByteString.copyFromUtf8("all"))
                .setSpeed(100).build());
        delivery.broadcast(BroadcastRequest.newBuilder().setOp(5).setBody(ByteString.copyFromUtf8("fast")).build());
        assertThat(a.broadcasts).extracting(BroadcastRequest::getSpeed).containsExactly(50, 0);
        assertThat(b.broadcasts).extracting(BroadcastRequest::getSpeed).containsExactly(50, 0);
    }

    @Test
    void anInterruptedDeliveryThrowsSoTheRecordIsNotCommitted() {
        b.failNext.set(-1);
        Thread.currentThread().interrupt();
        try {
            delivery.pushKeys("comet-b", keys("hi"));
            throw new AssertionError("expected an InterruptedException");
        } catch (InterruptedException expected) {
            // the consumer treats this as "not done"
        } finally {
            Thread.interrupted();
        }
    }
}
