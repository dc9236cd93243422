package dev.plaza.kit.rpc;

import static dev.plaza.kit.rpc.ProbeService.reply;
import static dev.plaza.kit.rpc.ProbeService.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.plaza.kit.rpc.testproto.PingReply;
import dev.plaza.kit.rpc.testproto.ProbeGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RpcServerTest {
    private final RpcFixture fx = new RpcFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void servesTheSameHandlersOnAnEphemeralPortAndInProcess() throws Exception {
        String name = RpcFixture.unique("both");
        RpcServer server = fx.start(RpcFixture.loopback(name).inProcess(name)
                .addService(ProbeService.ping(req -> reply("pong " + req.getText()))));
        RpcChannels channels = RpcChannels.builder("both-test").build();

        assertThat(server.port()).isPositive();
        assertThat(server.inProcessName()).contains(name);
        assertThat(ProbeGrpc.newBlockingStub(fx.track(channels.forAddress("127.0.0.1", server.port())))
                .ping(request("net")).getText()).isEqualTo("pong net");
        assertThat(ProbeGrpc.newBlockingStub(fx.track(channels.inProcess(name)))
                .ping(request("jvm")).getText()).isEqualTo("pong jvm");
    }

    @Test
    void gracefulCloseWaitsForTheCallInFlightAndRefusesNewOnes() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RpcServer server = RpcFixture.loopback("graceful").drainTimeout(Duration.ofSeconds(10))
                .addService(ProbeService.ping(req -> {
                    if (req.getText().equals("slow")) {
                        entered.countDown();
                        release.await();
                    }
                    return reply("done " + req.getText());
                })).build();
        fx.track(server); // closing twice is fine; this covers a failing assertion
        server.start();
        int port = server.port();
        ProbeGrpc.ProbeFutureStub stub = ProbeGrpc.newFutureStub(
                fx.track(RpcChannels.builder("graceful-test").build().forAddress("127.0.0.1", port)));

        var inFlight = stub.ping(request("slow"));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);

        Thread.sleep(300);
        assertThat(closing).isNotDone(); // still draining
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> ProbeGrpc.newBlockingStub(fx.raw(port)).ping(request("new")));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);

        release.countDown();
        PingReply finished = inFlight.get(5, TimeUnit.SECONDS);
        assertThat(finished.getText()).isEqualTo("done slow");
        closing.get(5, TimeUnit.SECONDS);
    }

    @Test
    void closeGivesUpAfterTheDrainTimeoutAndCancelsWhatIsLeft() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        String name = RpcFixture.unique("stuck");
        RpcServer server = RpcServer.builder(name).inProcess(name).drainTimeout(Duration.ofMillis(300))
                .addService(ProbeService.ping(req -> {
                    entered.countDown();
                    never.await(); // ignores cancellation; only the interrupt at shutdownNow ends it
                    return reply("never");
                })).build();
        fx.track(server);
        server.start();
        var inFlight = ProbeGrpc.newFutureStub(fx.rawInProcess(name)).ping(request("x"));
        assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        server.close();
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertThat(tookMs).isGreaterThanOrEqualTo(250).isLessThan(5_000);
        assertThatThrownBy(() -> inFlight.get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(StatusRuntimeException.class);
        server.close(); // idempotent
    }

    @Test
    void healthReportsServingAndReflectionListsTheServices() throws Exception {
        String name = RpcFixture.unique("health");
        fx.start(RpcServer.builder(name).inProcess(name).reflection(true)
                .addService(ProbeService.ping(req -> reply("ok"))));
        var channel = fx.rawInProcess(name);
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);

        assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
        assertThat(health.check(HealthCheckRequest.newBuilder().setService("plaza.kit.rpc.test.Probe").build())
                .getStatus()).isEqualTo(ServingStatus.SERVING);

        CompletableFuture<List<String>> services = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse r) {
                        services.complete(r.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName).toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                        services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        assertThat(services.get(5, TimeUnit.SECONDS)).contains("plaza.kit.rpc.test.Probe", "grpc.health.v1.Health");
        requests.onCompleted();
    }

    @Test
    void healthCanBeLeftOut() throws Exception {
        String name = RpcFixture.unique("nohealth");
        fx.start(RpcServer.builder(name).inProcess(name).health(false).addService(ProbeService.ping(req -> reply("ok"))));

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> HealthGrpc.newBlockingStub(fx.rawInProcess(name)).check(HealthCheckRequest.getDefaultInstance()));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
    }

    @Test
    void lifecycleMisuseFailsLoudly() throws Exception {
        assertThatThrownBy(() -> RpcServer.builder("nowhere").build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> RpcServer.builder("x").methodTimeout("NoSlash", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RpcServer.builder("x").defaultTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);

        String name = RpcFixture.unique("twice");
        RpcServer server = fx.start(RpcServer.builder(name).inProcess(name));
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class); // no network listener

        RpcServer taken = RpcServer.builder("taken").inProcess(name).build(); // same in-process name
        assertThatThrownBy(taken::start).isInstanceOf(java.io.IOException.class);
        taken.close();
    }

    @Test
    void metadataValuesMustBeGlobalKeysWithAsciiValues() {
        assertThatThrownBy(() -> RpcMetadata.EMPTY.with("x-color", "red")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RpcMetadata.EMPTY.with("x-md-global-color", "r\u00e9d"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(RpcMetadata.EMPTY.with("X-MD-Global-Color", "red").get("x-md-global-color")).contains("red");
        assertThat(RpcMetadata.current()).isEqualTo(RpcMetadata.EMPTY);
        assertThat(RpcCaller.current()).isEqualTo(RpcCaller.UNKNOWN);
    }
}
