package dev.plaza.kit.rpc;

import static dev.plaza.kit.rpc.ProbeService.reply;
import static dev.plaza.kit.rpc.ProbeService.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.limit.Allowance;
import dev.plaza.kit.limit.BbrLimiter;
import dev.plaza.kit.limit.Criticality;
import dev.plaza.kit.metrics.MetricNames;
import dev.plaza.kit.rpc.testproto.PingReply;
import dev.plaza.kit.rpc.testproto.ProbeGrpc;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The limiter in a real server. Its clock stands still, so the window stays empty and maxInFlight stays 1; the test
 * holds limiter slots itself (at a cool CPU, then heats it) to put the server over the limit, no load needed.
 */
class RpcLimiterTest {
    private final RpcFixture fx = new RpcFixture();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger cpu = new AtomicInteger();
    private final BbrLimiter limiter = BbrLimiter.builder("rpc-test", cpu::get).nanoClock(() -> 42L).build();
    private final List<Allowance> held = new ArrayList<>();
    private final AtomicInteger handled = new AtomicInteger();

    @AfterEach
    void tearDown() {
        held.forEach(Allowance::done);
        fx.close();
    }

    private String serve(ProbeService service) throws Exception {
        String name = RpcFixture.unique("limited");
        fx.start(RpcServer.builder(name).inProcess(name).meterRegistry(meters).limiter(limiter).addService(service));
        return name;
    }

    /** n requests in flight, then the CPU turns hot. */
    private void overload(int n) {
        for (int i = 0; i < n; i++) {
            held.add(limiter.allow());
        }
        cpu.set(1000);
    }

    private long count(String code) {
        Timer t = meters.find(MetricNames.GRPC_SERVER_REQUESTS).tag(MetricNames.CODE, code).timer();
        return t == null ? 0 : t.count();
    }

    @Test
    void overloadedServerAnswersResourceExhaustedWithCodeMinus503BeforeTheHandler() throws Exception {
        String name = serve(ProbeService.ping(req -> {
            handled.incrementAndGet();
            return reply("ok");
        }));
        ProbeGrpc.ProbeBlockingStub stub = ProbeGrpc.newBlockingStub(fx.rawInProcess(name));

        assertThat(stub.ping(request("x")).getText()).as("nothing in flight yet").isEqualTo("ok");
        await().until(() -> limiter.inFlight() == 0); // the slot is freed when the transport reports completion

        overload(2); // 2 in flight > maxInFlight 1
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> stub.ping(request("y")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        PlazaError back = GrpcErrors.fromThrowable(e);
        assertThat(back.code()).isEqualTo(-503);
        assertThat(back.reason()).isEqualTo(BbrLimiter.LIMIT_EXCEEDED);
        assertThat(handled).as("the handler never ran for the refused call").hasValue(1);
        assertThat(limiter.dropped()).isEqualTo(1);
        await().until(() -> count("RESOURCE_EXHAUSTED") == 1 && count("OK") == 1); // the metrics saw the refusal
        assertThat(limiter.inFlight()).as("a refused call holds no slot").isEqualTo(2);
    }

    @Test
    void healthChecksAreNeverLimited() throws Exception {
        String name = serve(ProbeService.ping(req -> reply("ok")));
        overload(5);

        HealthCheckResponse health = HealthGrpc.newBlockingStub(fx.rawInProcess(name))
                .check(HealthCheckRequest.getDefaultInstance());

        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(limiter.dropped()).isZero();
    }

    @Test
    void sheddableCallsGoFirst() throws Exception {
        String name = serve(ProbeService.ping(req -> reply("ok")));
        ProbeGrpc.ProbeBlockingStub stub = ProbeGrpc.newBlockingStub(fx.rawInProcess(name));
        Metadata sheddable = new Metadata();
        sheddable.put(Metadata.Key.of(Criticality.METADATA_KEY, Metadata.ASCII_STRING_MARSHALLER), "sheddable");
        overload(1); // 1 in flight: within the limit of 1, above 0.8 of it

        assertThatThrownBy(() -> stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(sheddable))
                .ping(request("x")))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        assertThat(stub.ping(request("y")).getText()).isEqualTo("ok");
    }

    @Test
    void aCallPastItsDeadlineKeepsItsSlotUntilTheHandlerReturns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        String name = serve(ProbeService.ping(req -> {
            release.await(10, TimeUnit.SECONDS);
            return reply("late");
        }));
        ProbeGrpc.ProbeBlockingStub stub = ProbeGrpc.newBlockingStub(fx.rawInProcess(name));
        try {
            assertThatThrownBy(() -> stub.withDeadlineAfter(200, TimeUnit.MILLISECONDS).ping(request("x")))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
            // gRPC delivers the cancel after the unary handler returns: until then the work is still being done
            assertThat(limiter.inFlight()).isEqualTo(1);
        } finally {
            release.countDown();
        }
        await().until(() -> limiter.inFlight() == 0);
    }

    @Test
    void streamsAreNotLimited() throws Exception {
        String name = serve(ProbeService.watching((req, out) -> {
            out.onNext(reply("a"));
            out.onCompleted();
        }));
        overload(3);

        List<PingReply> replies = new ArrayList<>();
        ProbeGrpc.newBlockingStub(fx.rawInProcess(name)).watch(request("x")).forEachRemaining(replies::add);

        assertThat(replies).hasSize(1);
        assertThat(limiter.dropped()).isZero();
    }
}
