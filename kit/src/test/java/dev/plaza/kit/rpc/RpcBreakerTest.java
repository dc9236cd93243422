package dev.plaza.kit.rpc;

import static dev.plaza.kit.rpc.ProbeService.reply;
import static dev.plaza.kit.rpc.ProbeService.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plaza.kit.errors.ErrorCode;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.metrics.MetricNames;
import dev.plaza.kit.rpc.testproto.ProbeGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's circuit breaker against a real in-process server. */
class RpcBreakerTest {
    private final RpcFixture fx = new RpcFixture();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger served = new AtomicInteger();
    private final String name = RpcFixture.unique("breaker");

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** A server whose Ping always fails with {@code failure}, and a default client (breaker on) to it. */
    private ProbeGrpc.ProbeBlockingStub clientOfServerFailingWith(RuntimeException failure,
                                                                  RpcChannels.Builder channels) throws Exception {
        fx.start(RpcServer.builder(name).inProcess(name).addService(ProbeService.ping(req -> {
            served.incrementAndGet();
            throw failure;
        })));
        return ProbeGrpc.newBlockingStub(fx.track(channels.meterRegistry(meters).build().inProcess(name)));
    }

    /** Makes {@code n} calls; returns how many the breaker rejected locally. */
    private int callAndCountRejections(ProbeGrpc.ProbeBlockingStub stub, int n) {
        int rejected = 0;
        for (int i = 0; i < n; i++) {
            try {
                RpcCalls.call(() -> stub.ping(request("x")));
            } catch (PlazaError e) {
                if (e.reason().equals("BREAKER_OPEN")) {
                    rejected++;
                }
            }
        }
        return rejected;
    }

    @Test
    void aServerFailingEveryCallGetsThrottledAtTheClient() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = clientOfServerFailingWith(
                PlazaError.overloaded("DOWN", "down for maintenance"), RpcChannels.builder("breaker-test"));

        int rejected = callAndCountRejections(stub, 300);

        // 20 calls fill the window, then each call goes out with probability 1 / (requests + 1): about 3 more
        assertThat(served.get()).isLessThan(40);
        assertThat(rejected).isEqualTo(300 - served.get());
        assertThat(meters.find(MetricNames.BREAKER_REJECTED).tag(MetricNames.TARGET, "in-process:" + name)
                .tag(MetricNames.METHOD, ProbeService.PING).counter().count()).isEqualTo(rejected);
        assertThat(meters.find(MetricNames.BREAKER_DROP_PROBABILITY).tag(MetricNames.METHOD, ProbeService.PING)
                .gauge().value()).isGreaterThan(0.99);
    }

    @Test
    void aRejectionIsAMinus503BreakerOpenThatSaysDoNotRetry() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = clientOfServerFailingWith(
                Status.INTERNAL.withDescription("boom").asRuntimeException(),
                RpcChannels.builder("breaker-test").retry(Set.of(ProbeService.PING)));
        callAndCountRejections(stub, 100);
        int before = served.get();

        StatusRuntimeException e = null;
        for (int i = 0; i < 100 && e == null; i++) {
            try {
                stub.ping(request("x"));
            } catch (StatusRuntimeException failure) {
                if (failure.getStatus().getCode() == Status.Code.UNAVAILABLE) {
                    e = failure;
                }
            }
        }

        assertThat(e).isNotNull();
        PlazaError error = RpcCalls.toError(e);
        assertThat(error.code()).isEqualTo(ErrorCode.OVERLOADED.code());
        assertThat(error.reason()).isEqualTo("BREAKER_OPEN");
        assertThat(e.getTrailers().get(RpcHeaders.NO_RETRY)).isEqualTo("1");
        assertThat(served.get() - before).isLessThan(10); // rejected attempts were not retried into the server
    }

    @Test
    void clientErrorsAreTheDependencyWorkingAndNeverOpenIt() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = clientOfServerFailingWith(
                PlazaError.badRequest("BAD_TEXT", "no"), RpcChannels.builder("breaker-test"));

        assertThat(callAndCountRejections(stub, 200)).isZero();
        assertThat(served.get()).isEqualTo(200);
        assertThat(meters.find(MetricNames.BREAKER_DROP_PROBABILITY).gauge().value()).isZero();
    }

    @Test
    void aPerUserRateLimitDoesNotThrottleEveryone() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = clientOfServerFailingWith(
                PlazaError.of(ErrorCode.TOO_FREQUENT, "TOO_FREQUENT", "slow down"), RpcChannels.builder("breaker-test"));

        assertThat(callAndCountRejections(stub, 200)).isZero();
        assertThat(served.get()).isEqualTo(200);
    }

    @Test
    void theBreakerIsPerMethod() throws Exception {
        fx.start(RpcServer.builder(name).inProcess(name).addService(ProbeService.of(
                req -> {
                    throw Status.UNAVAILABLE.asRuntimeException();
                },
                req -> reply("fine"))));
        ProbeGrpc.ProbeBlockingStub stub = ProbeGrpc.newBlockingStub(
                fx.track(RpcChannels.builder("breaker-test").build().inProcess(name)));

        assertThat(callAndCountRejections(stub, 100)).isGreaterThan(50);
        for (int i = 0; i < 100; i++) {
            assertThat(stub.relay(request("x")).getText()).isEqualTo("fine");
        }
    }

    @Test
    void noBreakerLetsEveryCallThrough() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = clientOfServerFailingWith(
                PlazaError.overloaded("DOWN", "down"), RpcChannels.builder("breaker-test").noBreaker());

        assertThat(callAndCountRejections(stub, 100)).isZero();
        assertThat(served.get()).isEqualTo(100);
    }
}
