package dev.plaza.kit.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.rpc.Fallback;
import dev.plaza.kit.rpc.RpcChannels;
import dev.plaza.kit.rpc.RpcClient;
import dev.plaza.kit.rpc.RpcServer;
import dev.plaza.kit.rpc.testproto.PingReply;
import dev.plaza.kit.rpc.testproto.PingRequest;
import dev.plaza.kit.rpc.testproto.ProbeGrpc;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An answer built from a fallback says so in a header; a healthy one does not. */
class HttpEdgeDegradedTest {
    private final AtomicBoolean down = new AtomicBoolean();
    private RpcServer server;
    private RpcClient channel;
    private HttpEdge edge;
    private HttpTestClient http;

    @BeforeEach
    void start() throws Exception {
        String name = "degraded-" + UUID.randomUUID();
        server = RpcServer.builder(name).inProcess(name).addService(new ProbeGrpc.ProbeImplBase() {
            @Override
            public void ping(PingRequest request, StreamObserver<PingReply> out) {
                if (down.get()) {
                    throw PlazaError.overloaded("DOWN", "down");
                }
                out.onNext(PingReply.newBuilder().setText("fresh").build());
                out.onCompleted();
            }
        }).build();
        server.start();
        channel = RpcChannels.builder("edge-test").noBreaker()
                .fallbacks(Map.of(ProbeGrpc.getPingMethod().getFullMethodName(), Fallback.STALE_OR_EMPTY))
                .build().inProcess(name);
        ProbeGrpc.ProbeBlockingStub stub = ProbeGrpc.newBlockingStub(channel);
        edge = HttpEdge.builder(HttpEdgeConfig.local(0))
                .meterRegistry(new SimpleMeterRegistry())
                .readiness("always", () -> true)
                .routes(r -> r.get("/ping", Access.PUBLIC, req -> Map.of("text",
                        stub.ping(PingRequest.newBuilder().setText("same").build()).getText())))
                .build();
        edge.start();
        http = HttpTestClient.local(edge.port());
    }

    @AfterEach
    void stop() throws Exception {
        edge.close();
        channel.close();
        server.close();
    }

    @Test
    void theEdgeMarksAnswersADependencyFallbackMadeUp() {
        HttpTestClient.Answer fresh = http.get("/ping").send();
        assertThat(fresh.data().path("text").asText()).isEqualTo("fresh");
        assertThat(fresh.headers()).doesNotContainKey(HttpEdge.DEGRADED_HEADER.toLowerCase());

        down.set(true);
        HttpTestClient.Answer stale = http.get("/ping").send();
        assertThat(stale.code()).isZero();
        assertThat(stale.data().path("text").asText()).isEqualTo("fresh");
        assertThat(stale.headers().get(HttpEdge.DEGRADED_HEADER.toLowerCase()))
                .containsExactly(ProbeGrpc.getPingMethod().getFullMethodName());
    }
}
