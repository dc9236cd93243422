package dev.plaza.kit.rpc;

import static dev.plaza.kit.rpc.ProbeService.reply;
import static dev.plaza.kit.rpc.ProbeService.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.util.concurrent.ListenableFuture;
import dev.plaza.kit.breaker.RetryConfig;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.metrics.MetricNames;
import dev.plaza.kit.rpc.testproto.PingReply;
import dev.plaza.kit.rpc.testproto.PingRequest;
import dev.plaza.kit.rpc.testproto.ProbeGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries and the retry budget against real in-process servers. */
class RpcRetryTest {
    private static final Set<String> IDEMPOTENT = Set.of(ProbeService.PING);

    private final RpcFixture fx = new RpcFixture();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger pings = new AtomicInteger();
    private final AtomicInteger relays = new AtomicInteger();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** What a transport-level UNAVAILABLE looks like: a bare status, no ErrorInfo, no marker. */
    private static final Status UNAVAILABLE = Status.UNAVAILABLE.withDescription("connection reset");

    /**
     * A server whose Ping and Relay fail with {@code failure} for their first {@code failures} calls (negative: all),
     * then answer; failures are sent with {@code onError} as given, bypassing the recovery's conversion.
     */
    private RpcServer serverFailing(int failures, Status failure) throws Exception {
        String name = RpcFixture.unique("retry");
        ProbeService.RawHandler ping = (req, out) -> {
            int n = pings.incrementAndGet();
            if (failures < 0 || n <= failures) {
                out.onError(failure.asRuntimeException());
            } else {
                out.onNext(reply("ok after " + n));
                out.onCompleted();
            }
        };
        return fx.start(RpcServer.builder(name).inProcess(name).addService(new ProbeGrpc.ProbeImplBase() {
            @Override
            public void ping(PingRequest request, StreamObserver<PingReply> out) {
                try {
                    ping.handle(request, out);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void relay(PingRequest request, StreamObserver<PingReply> out) {
                relays.incrementAndGet();
                out.onError(failure.asRuntimeException());
            }
        }));
    }

    private RpcChannels.Builder channels() {
        return RpcChannels.builder("retry-test").meterRegistry(meters).retry(IDEMPOTENT)
                .retryConfig(RetryConfig.DEFAULT.withBackoff(Duration.ofMillis(1), Duration.ofMillis(5)));
    }

    private ProbeGrpc.ProbeBlockingStub stub(RpcServer server, RpcChannels.Builder channels) {
        return ProbeGrpc.newBlockingStub(fx.track(channels.build().inProcess(server.inProcessName().orElseThrow())));
    }

    private double retries(String outcome) {
        Counter counter = meters.find(MetricNames.RETRIES).tag(MetricNames.OUTCOME, outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void anIdempotentMethodSucceedsOnTheSecondAttempt() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = stub(serverFailing(1, UNAVAILABLE), channels());

        assertThat(stub.ping(request("x")).getText()).isEqualTo("ok after 2");
        assertThat(pings.get()).isEqualTo(2);
        assertThat(retries("retried")).isEqualTo(1);
    }

    @Test
    void atMostThreeAttemptsInAll() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = stub(serverFailing(-1, UNAVAILABLE), channels().noBreaker());

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> stub.ping(request("x")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getStatus().getDescription()).isEqualTo("connection reset"); // the last attempt's answer
        assertThat(pings.get()).isEqualTo(3);
    }

    @Test
    void aMethodItsProtoDeclaresWithoutSideEffectsIsRetriedWithoutBeingListed() throws Exception {
        RpcServer server = serverFailing(1, UNAVAILABLE);
        io.grpc.Channel channel = fx.track(RpcChannels.builder("retry-test").meterRegistry(meters)
                .retryConfig(RetryConfig.DEFAULT.withBackoff(Duration.ofMillis(1), Duration.ofMillis(5))).build()
                .inProcess(server.inProcessName().orElseThrow()));
        // what protoc-gen-grpc-java makes of "option idempotency_level = NO_SIDE_EFFECTS"
        io.grpc.MethodDescriptor<PingRequest, PingReply> safePing = ProbeGrpc.getPingMethod().toBuilder()
                .setSafe(true).build();

        PingReply answer = io.grpc.stub.ClientCalls.blockingUnaryCall(channel, safePing, io.grpc.CallOptions.DEFAULT,
                request("x"));
        assertThat(answer.getText()).isEqualTo("ok after 2");
        assertThat(pings.get()).isEqualTo(2);
    }

    @Test
    void aMethodNotConfiguredIdempotentIsNotRetried() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = stub(serverFailing(1, UNAVAILABLE), channels());

        assertThatThrownBy(() -> stub.relay(request("x"))).isInstanceOf(StatusRuntimeException.class);
        assertThat(relays.get()).isEqualTo(1);
    }

    @Test
    void overloadedAnswersAreNotRetried() throws Exception {
        ProbeGrpc.ProbeBlockingStub exhausted = stub(serverFailing(1, Status.RESOURCE_EXHAUSTED), channels());
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> exhausted.ping(request("x")));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(e.getTrailers().get(RpcHeaders.NO_RETRY)).isEqualTo("1"); // added by the server
        assertThat(pings.get()).isEqualTo(1);
    }

    @Test
    void aMinus503IsNotRetriedAndNeitherIsAHandlerRelayingADownstreamUnavailable() throws Exception {
        String name = RpcFixture.unique("retry-503");
        AtomicInteger calls = new AtomicInteger();
        fx.start(RpcServer.builder(name).inProcess(name).addService(ProbeService.of(
                req -> {
                    calls.incrementAndGet();
                    throw PlazaError.overloaded("SHEDDING", "too busy");
                },
                req -> {
                    calls.incrementAndGet();
                    throw Status.UNAVAILABLE.withDescription("my dependency is down").asRuntimeException();
                })));
        ProbeGrpc.ProbeBlockingStub stub = ProbeGrpc.newBlockingStub(fx.track(channels()
                .retry(Set.of(ProbeService.PING, ProbeService.RELAY)).build().inProcess(name)));

        StatusRuntimeException shed = catchThrowableOfType(StatusRuntimeException.class, () -> stub.ping(request("x")));
        StatusRuntimeException relayed = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub.relay(request("x")));

        assertThat(calls.get()).isEqualTo(2);
        assertThat(shed.getTrailers().get(RpcHeaders.NO_RETRY)).isEqualTo("1");
        assertThat(relayed.getTrailers().get(RpcHeaders.NO_RETRY)).isEqualTo("1");
        assertThat(RpcCalls.toError(relayed).code()).isEqualTo(-503); // the recovery turned it into "overloaded"
    }

    @Test
    void theBudgetCapsRetriesAtAboutTenPercentUnderAFailingServer() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = stub(serverFailing(-1, UNAVAILABLE), channels().noBreaker());

        for (int i = 0; i < 300; i++) {
            assertThatThrownBy(() -> stub.ping(request("x"))).isInstanceOf(StatusRuntimeException.class);
        }

        // without the budget: 900 attempts; with it: 300 calls + the floor of 10 + 10% of 300
        assertThat(pings.get()).isEqualTo(300 + 10 + 30);
        assertThat(retries("retried")).isEqualTo(40);
        assertThat(retries("budget_exhausted")).isGreaterThan(250);
    }

    @Test
    void noRetryOutlivesTheDeadline() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = stub(serverFailing(-1, UNAVAILABLE),
                channels().retryConfig(RetryConfig.DEFAULT.withBackoff(Duration.ofSeconds(3), Duration.ofSeconds(3))));

        long start = System.nanoTime();
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub.withDeadlineAfter(2, TimeUnit.SECONDS).ping(request("x")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE); // reported at once, not waited out
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(pings.get()).isEqualTo(1);
    }

    @Test
    void cancellingDuringTheBackoffEndsTheCall() throws Exception {
        RpcServer server = serverFailing(-1, UNAVAILABLE);
        ProbeGrpc.ProbeFutureStub stub = ProbeGrpc.newFutureStub(fx.track(channels()
                .retryConfig(RetryConfig.DEFAULT.withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(2)))
                .build().inProcess(server.inProcessName().orElseThrow())));

        ListenableFuture<PingReply> reply = stub.ping(request("x"));
        while (pings.get() == 0) {
            Thread.sleep(1);
        }
        Thread.sleep(50); // the first attempt has failed; the call waits to retry
        reply.cancel(true);

        assertThat(reply.isCancelled()).isTrue();
        Thread.sleep(2_500);
        assertThat(pings.get()).isEqualTo(1); // the retry never went out
    }

    @Test
    void aDownstreamDoNotRetryTravelsUpThroughAServerThatTranslatesTheFailure() throws Exception {
        // C sheds load; B catches that and fails with an UNAVAILABLE of its own that A would otherwise retry
        String c = RpcFixture.unique("retry-c");
        fx.start(RpcServer.builder(c).inProcess(c).addService(ProbeService.ping(req -> {
            throw PlazaError.overloaded("SHEDDING", "too busy");
        })));
        RpcClient toC = fx.track(RpcChannels.builder("b").build().inProcess(c));
        String b = RpcFixture.unique("retry-b");
        AtomicInteger bCalls = new AtomicInteger();
        fx.start(RpcServer.builder(b).inProcess(b).addService(ProbeService.ping(req -> {
            bCalls.incrementAndGet();
            try {
                return ProbeGrpc.newBlockingStub(toC).ping(req);
            } catch (StatusRuntimeException e) {
                throw PlazaError.of(70_001, Status.Code.UNAVAILABLE, "b", "SHARD_MOVING", "try later");
            }
        })));
        ProbeGrpc.ProbeBlockingStub a = ProbeGrpc.newBlockingStub(fx.track(channels().build().inProcess(b)));

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> a.ping(request("x")));

        assertThat(RpcCalls.toError(e).reason()).isEqualTo("SHARD_MOVING");
        assertThat(e.getTrailers().get(RpcHeaders.NO_RETRY)).isEqualTo("1");
        assertThat(bCalls.get()).isEqualTo(1);
    }

    @Test
    void withoutTheMarkerTheSameTranslatedFailureIsRetried() throws Exception {
        String b = RpcFixture.unique("retry-b-alone");
        AtomicInteger bCalls = new AtomicInteger();
        fx.start(RpcServer.builder(b).inProcess(b).addService(ProbeService.ping(req -> {
            if (bCalls.incrementAndGet() == 1) {
                throw PlazaError.of(70_001, Status.Code.UNAVAILABLE, "b", "SHARD_MOVING", "try later");
            }
            return reply("moved");
        })));
        ProbeGrpc.ProbeBlockingStub a = ProbeGrpc.newBlockingStub(fx.track(channels().build().inProcess(b)));

        assertThat(a.ping(request("x")).getText()).isEqualTo("moved");
        assertThat(bCalls.get()).isEqualTo(2);
    }
}
