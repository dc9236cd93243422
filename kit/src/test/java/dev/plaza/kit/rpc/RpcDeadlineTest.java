package dev.plaza.kit.rpc;

import static dev.plaza.kit.rpc.ProbeService.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.rpc.testproto.PingReply;
import dev.plaza.kit.rpc.testproto.ProbeGrpc;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RpcDeadlineTest {
    private final RpcFixture fx = new RpcFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** Remaining time of the handler's deadline in ms, or "none". */
    private static String remainingMs() {
        Deadline d = Context.current().getDeadline();
        return d == null ? "none" : Long.toString(d.timeRemaining(TimeUnit.MILLISECONDS));
    }

    /**
     * C answers with the deadline it sees; B (Relay) records its own and calls C in-process through a Plaza client
     * whose own default timeout (30 s) must lose to the inherited deadline.
     */
    private ProbeGrpc.ProbeBlockingStub chainBtoC(RpcServer.Builder bBuilder) throws Exception {
        String cName = RpcFixture.unique("deadline-c");
        fx.start(RpcServer.builder(cName).inProcess(cName).defaultTimeout(Duration.ofSeconds(30))
                .addService(ProbeService.ping(req -> PingReply.newBuilder().putSeen("c", remainingMs()).build())));
        RpcClient toC = fx.track(RpcChannels.builder("deadline-b").defaultTimeout(Duration.ofSeconds(30)).build()
                .inProcess(cName));
        RpcServer b = fx.start(bBuilder.addService(ProbeService.of(
                req -> PingReply.newBuilder().putSeen("b", remainingMs()).build(),
                req -> {
                    String atB = remainingMs();
                    PingReply fromC = ProbeGrpc.newBlockingStub(toC).ping(req);
                    return fromC.toBuilder().putSeen("b", atB).build();
                })));
        return ProbeGrpc.newBlockingStub(fx.raw(b.port()));
    }

    @Test
    void aCallersDeadlineIsInheritedAcrossTwoHops() throws Exception {
        ProbeGrpc.ProbeBlockingStub a = chainBtoC(RpcFixture.loopback("deadline-b")
                .defaultTimeout(Duration.ofSeconds(60)));

        PingReply reply = a.withDeadlineAfter(3, TimeUnit.SECONDS).relay(request("x"));

        long atB = Long.parseLong(reply.getSeenOrThrow("b"));
        long atC = Long.parseLong(reply.getSeenOrThrow("c"));
        assertThat(atB).isPositive().isLessThanOrEqualTo(3_000);
        assertThat(atC).isPositive().isLessThanOrEqualTo(atB); // not C's 30 s default, not B's client's 30 s either
    }

    @Test
    void withoutACallerDeadlineTheMethodDefaultAppliesAndTravelsOn() throws Exception {
        ProbeGrpc.ProbeBlockingStub a = chainBtoC(RpcFixture.loopback("deadline-b")
                .defaultTimeout(Duration.ofSeconds(60))
                .methodTimeout(ProbeService.RELAY, Duration.ofSeconds(2)));

        PingReply relayed = a.relay(request("x"));       // raw channel: no deadline sent
        PingReply direct = a.ping(request("x"));         // Ping has no per-method timeout: the 60 s default

        long atB = Long.parseLong(relayed.getSeenOrThrow("b"));
        long atC = Long.parseLong(relayed.getSeenOrThrow("c"));
        assertThat(atB).isPositive().isLessThanOrEqualTo(2_000);
        assertThat(atC).isPositive().isLessThanOrEqualTo(atB);
        assertThat(Long.parseLong(direct.getSeenOrThrow("b"))).isGreaterThan(50_000).isLessThanOrEqualTo(60_000);
    }

    @Test
    void anExpiredDefaultAnswersTimeoutAtOnceAndCancelsTheHandlersContext() throws Exception {
        CountDownLatch handlerSawCancel = new CountDownLatch(1);
        AtomicBoolean neverReleased = new AtomicBoolean(true);
        RpcServer server = fx.start(RpcFixture.loopback("deadline-expire")
                .methodTimeout(ProbeService.PING, Duration.ofMillis(200))
                .addService(ProbeService.ping(req -> {
                    CountDownLatch cancelled = new CountDownLatch(1);
                    Context.current().addListener(c -> cancelled.countDown(), Runnable::run);
                    if (cancelled.await(10, TimeUnit.SECONDS)) {
                        handlerSawCancel.countDown();
                    }
                    neverReleased.set(false);
                    return ProbeService.reply("too late"); // dropped: the call is already closed
                })));
        ProbeGrpc.ProbeBlockingStub stub = ProbeGrpc.newBlockingStub(fx.raw(server.port()));

        long start = System.nanoTime();
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> stub.ping(request("x")));
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        PlazaError back = GrpcErrors.fromThrowable(e);
        assertThat(back.code()).isEqualTo(-504);
        assertThat(back.reason()).isEqualTo("TIMEOUT");
        assertThat(tookMs).isGreaterThanOrEqualTo(150).isLessThan(3_000);
        assertThat(handlerSawCancel.await(5, TimeUnit.SECONDS)).isTrue();
        await().untilFalse(neverReleased); // its late reply was dropped without blowing up
    }

    @Test
    void aPlazaClientSendsItsPerMethodDefaultWhenNothingIsInherited() throws Exception {
        String name = RpcFixture.unique("deadline-client");
        fx.start(RpcServer.builder(name).inProcess(name)
                .addService(ProbeService.of(
                        req -> PingReply.newBuilder().putSeen("s", remainingMs()).build(),
                        req -> PingReply.newBuilder().putSeen("s", remainingMs()).build())));
        RpcClient client = fx.track(RpcChannels.builder("deadline-a")
                .defaultTimeout(Duration.ofSeconds(20))
                .methodTimeout(ProbeService.PING, Duration.ofMillis(800))
                .build().inProcess(name));
        ProbeGrpc.ProbeBlockingStub stub = ProbeGrpc.newBlockingStub(client);

        assertThat(Long.parseLong(stub.ping(request("x")).getSeenOrThrow("s"))).isPositive().isLessThanOrEqualTo(800);
        assertThat(Long.parseLong(stub.relay(request("x")).getSeenOrThrow("s")))
                .isGreaterThan(15_000).isLessThanOrEqualTo(20_000);
        // an explicit deadline wins over the client default
        assertThat(Long.parseLong(stub.withDeadlineAfter(300, TimeUnit.MILLISECONDS).relay(request("x"))
                .getSeenOrThrow("s"))).isLessThanOrEqualTo(300);
    }

    @Test
    void streamsGetNoDefaultTimeoutUnlessConfiguredByName() throws Exception {
        String name = RpcFixture.unique("deadline-stream");
        fx.start(RpcServer.builder(name).inProcess(name).defaultTimeout(Duration.ofMillis(200))
                .addService(ProbeService.watching((req, out) -> {
                    out.onNext(PingReply.newBuilder().putSeen("deadline", remainingMs()).build());
                    Thread.sleep(500); // longer than the 200 ms unary default
                    out.onNext(ProbeService.reply("still here"));
                    out.onCompleted();
                })));
        // the Plaza client's default must not apply to the stream either
        RpcClient client = fx.track(RpcChannels.builder("deadline-stream").defaultTimeout(Duration.ofMillis(200))
                .build().inProcess(name));

        List<PingReply> replies = new ArrayList<>();
        ProbeGrpc.newBlockingStub(client).watch(request("x")).forEachRemaining(replies::add);

        assertThat(replies).hasSize(2);
        assertThat(replies.get(0).getSeenOrThrow("deadline")).isEqualTo("none");
        assertThat(replies.get(1).getText()).isEqualTo("still here");
    }
}
