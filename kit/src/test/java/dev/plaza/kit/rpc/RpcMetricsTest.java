package dev.plaza.kit.rpc;

import static dev.plaza.kit.rpc.ProbeService.reply;
import static dev.plaza.kit.rpc.ProbeService.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.metrics.MetricNames;
import dev.plaza.kit.rpc.testproto.ProbeGrpc;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RpcMetricsTest {
    private final RpcFixture fx = new RpcFixture();
    private final SimpleMeterRegistry serverMeters = new SimpleMeterRegistry();
    private final SimpleMeterRegistry clientMeters = new SimpleMeterRegistry();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private long count(SimpleMeterRegistry registry, String name, String method, String code) {
        Timer timer = registry.find(name).tag(MetricNames.METHOD, method).tag(MetricNames.CODE, code).timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void everyCallIsTimedByMethodAndStatusOnBothSides() throws Exception {
        RpcServer server = fx.start(RpcFixture.loopback("metrics").meterRegistry(serverMeters)
                .addService(ProbeService.of(
                        req -> {
                            Thread.sleep(20);
                            return reply("ok");
                        },
                        req -> {
                            throw PlazaError.notFound("NOPE", "nope");
                        })));
        RpcClient client = fx.track(RpcChannels.builder("metrics-client").meterRegistry(clientMeters).build()
                .forAddress("127.0.0.1", server.port()));
        ProbeGrpc.ProbeBlockingStub stub = ProbeGrpc.newBlockingStub(client);

        stub.ping(request("1"));
        stub.ping(request("2"));
        assertThatThrownBy(() -> stub.relay(request("3"))).isInstanceOf(StatusRuntimeException.class);

        // the server records when the transport reports the call complete, a moment after the client has its answer
        await().until(() -> count(serverMeters, MetricNames.GRPC_SERVER_REQUESTS, ProbeService.PING, "OK") == 2
                && count(serverMeters, MetricNames.GRPC_SERVER_REQUESTS, ProbeService.RELAY, "NOT_FOUND") == 1);
        Timer ok = serverMeters.find(MetricNames.GRPC_SERVER_REQUESTS).tag(MetricNames.CODE, "OK").timer();
        assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(40);
        assertThat(count(clientMeters, MetricNames.GRPC_CLIENT_REQUESTS, ProbeService.PING, "OK")).isEqualTo(2);
        assertThat(count(clientMeters, MetricNames.GRPC_CLIENT_REQUESTS, ProbeService.RELAY, "NOT_FOUND")).isEqualTo(1);
        assertThat(serverMeters.find(MetricNames.GRPC_SERVER_REQUESTS).timers()).hasSize(2); // no stray tag values
    }

    @Test
    void callsRefusedBeforeTheHandlerAndDefaultTimeoutsAreCountedToo() throws Exception {
        String name = RpcFixture.unique("metrics-refused");
        fx.start(RpcServer.builder(name).inProcess(name).meterRegistry(serverMeters)
                .methodTimeout(ProbeService.RELAY, java.time.Duration.ofMillis(100))
                .addService(ProbeService.of(req -> reply("ok"), req -> {
                    Thread.sleep(2_000);
                    return reply("late");
                })));
        Metadata badMid = new Metadata();
        badMid.put(RpcHeaders.MID, "-1");
        ProbeGrpc.ProbeBlockingStub raw = ProbeGrpc.newBlockingStub(fx.rawInProcess(name));

        assertThatThrownBy(() -> raw.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(badMid))
                .ping(request("x"))).isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(() -> raw.relay(request("x"))).isInstanceOf(StatusRuntimeException.class);

        await().until(() -> count(serverMeters, MetricNames.GRPC_SERVER_REQUESTS, ProbeService.PING,
                "INVALID_ARGUMENT") == 1
                && count(serverMeters, MetricNames.GRPC_SERVER_REQUESTS, ProbeService.RELAY, "DEADLINE_EXCEEDED") == 1);
    }
}
