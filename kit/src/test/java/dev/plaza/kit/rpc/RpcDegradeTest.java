package dev.plaza.kit.rpc;

import static dev.plaza.kit.rpc.ProbeService.reply;
import static dev.plaza.kit.rpc.ProbeService.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.metrics.MetricNames;
import dev.plaza.kit.rpc.testproto.PingReply;
import dev.plaza.kit.rpc.testproto.ProbeGrpc;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fallbacks for a dependency that goes down, against a real in-process server. */
class RpcDegradeTest {
    private final RpcFixture fx = new RpcFixture();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final String name = RpcFixture.unique("degrade");
    /** What Ping does now: null answers "live " + text, else throws it. */
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private ProbeGrpc.ProbeBlockingStub client(Fallback fallback) throws Exception {
        fx.start(RpcServer.builder(name).inProcess(name).addService(ProbeService.ping(req -> {
            RuntimeException f = failure.get();
            if (f != null) {
                throw f;
            }
            return reply("live " + req.getText());
        })));
        return ProbeGrpc.newBlockingStub(fx.track(RpcChannels.builder("degrade-test").meterRegistry(meters)
                .noBreaker().fallbacks(Map.of(ProbeService.PING, fallback)).build().inProcess(name)));
    }

    /** Calls inside a tracked request; answers the reply and the methods recorded degraded. */
    private static Map.Entry<PingReply, List<String>> inRequest(ProbeGrpc.ProbeBlockingStub stub, String text)
            throws Exception {
        Context request = Degradations.track();
        return request.call(() -> Map.entry(stub.ping(request(text)), Degradations.current()));
    }

    @Test
    void aDownDependencyAnswersTheLastGoodAnswerToTheSameRequestMarkedDegraded() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = client(Fallback.STALE_OR_EMPTY);
        assertThat(inRequest(stub, "a").getKey().getText()).isEqualTo("live a");

        failure.set(PlazaError.overloaded("DOWN", "down"));
        Map.Entry<PingReply, List<String>> stale = inRequest(stub, "a");
        assertThat(stale.getKey().getText()).isEqualTo("live a");
        assertThat(stale.getValue()).containsExactly(ProbeService.PING);

        Map.Entry<PingReply, List<String>> empty = inRequest(stub, "never asked");
        assertThat(empty.getKey()).as("no answer kept for this request: the default").isEqualTo(
                PingReply.getDefaultInstance());
        assertThat(meters.get(MetricNames.DEGRADED).tag("fallback", "stale_or_empty").counter().count())
                .isEqualTo(2);
        assertThat(meters.get(MetricNames.GRPC_CLIENT_REQUESTS).tag(MetricNames.CODE, "UNAVAILABLE").timer()
                .count()).as("metrics see the failure the caller was spared").isEqualTo(2);
    }

    @Test
    void staleOnlyFailsWhenThereIsNoGoodAnswerToGiveAndBusinessErrorsAreNeverHidden() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = client(Fallback.STALE);
        failure.set(PlazaError.overloaded("DOWN", "down"));
        assertThatThrownBy(() -> stub.ping(request("x"))).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));

        failure.set(null);
        stub.ping(request("y"));
        failure.set(PlazaError.badRequest("BAD", "no such thing"));
        assertThatThrownBy(() -> stub.ping(request("y"))).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }
}
