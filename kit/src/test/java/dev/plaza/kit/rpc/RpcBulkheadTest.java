package dev.plaza.kit.rpc;

import static dev.plaza.kit.rpc.ProbeService.reply;
import static dev.plaza.kit.rpc.ProbeService.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.metrics.MetricNames;
import dev.plaza.kit.rpc.testproto.ProbeGrpc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's bulkhead against a real in-process server whose handler can be held. */
class RpcBulkheadTest {
    private final RpcFixture fx = new RpcFixture();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final String name = RpcFixture.unique("bulkhead");
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        release.countDown();
        fx.close();
    }

    @Test
    void callsBeyondTheCapAreRefusedAtOnceAndTheCapFreesAsCallsEnd() throws Exception {
        CountDownLatch entered = new CountDownLatch(3);
        fx.start(RpcServer.builder(name).inProcess(name).addService(ProbeService.ping(req -> {
            entered.countDown();
            release.await(10, TimeUnit.SECONDS);
            return reply("done");
        })));
        ProbeGrpc.ProbeBlockingStub stub = ProbeGrpc.newBlockingStub(fx.track(RpcChannels.builder("bulkhead-test")
                .meterRegistry(meters).noBreaker().bulkhead(3).build().inProcess(name)));
        List<Thread> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(Thread.ofVirtual().start(() -> stub.ping(request("slow"))));
        }
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> RpcCalls.call(() -> stub.ping(request("one more"))))
                .isInstanceOfSatisfying(PlazaError.class, e -> {
                    assertThat(e.reason()).isEqualTo("BULKHEAD_FULL");
                    assertThat(e.code()).isEqualTo(-503);
                });
        assertThat(System.nanoTime() - t0).as("refused at once, not queued").isLessThan(TimeUnit.SECONDS.toNanos(1));
        assertThat(meters.get(MetricNames.BULKHEAD_REJECTED).counter().count()).isEqualTo(1);
        assertThat(meters.get(MetricNames.BULKHEAD_IN_FLIGHT).gauge().value()).isEqualTo(3);

        release.countDown();
        for (Thread t : held) {
            t.join(10_000);
        }
        assertThat(stub.ping(request("after")).getText()).isEqualTo("done");
        assertThat(meters.get(MetricNames.BULKHEAD_IN_FLIGHT).gauge().value()).isZero();
    }
}
