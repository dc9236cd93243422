package dev.plaza.kit.rpc;

import static dev.plaza.kit.rpc.ProbeService.reply;
import static dev.plaza.kit.rpc.ProbeService.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import com.google.rpc.ErrorInfo;
import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.rpc.testproto.ProbeGrpc;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RpcErrorsTest {
    private final RpcFixture fx = new RpcFixture();
    private final RpcChannels channels = RpcChannels.builder("errors-test").build();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** A server listening on both transports; returns a stub over the one asked for. */
    private ProbeGrpc.ProbeBlockingStub serve(ProbeService service, boolean inProcess) throws Exception {
        String name = RpcFixture.unique("errors");
        RpcServer server = fx.start(RpcFixture.loopback(name).inProcess(name).addService(service));
        Channel channel = fx.track(inProcess ? channels.inProcess(name) : channels.forAddress("127.0.0.1", server.port()));
        return ProbeGrpc.newBlockingStub(channel);
    }

    @ParameterizedTest(name = "in-process={0}")
    @ValueSource(booleans = {false, true})
    void thrownPlazaErrorReachesTheClientWithCodeReasonAndMetadata(boolean inProcess) throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = serve(ProbeService.ping(req -> {
            throw PlazaError.notFound("ARCHIVE_NOT_FOUND", "video 42 is gone").withMetadata("aid", "42");
        }), inProcess);

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
                () -> stub.ping(request("x")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        PlazaError back = GrpcErrors.fromThrowable(e);
        assertThat(back.code()).isEqualTo(-404);
        assertThat(back.reason()).isEqualTo("ARCHIVE_NOT_FOUND");
        assertThat(back.getMessage()).isEqualTo("video 42 is gone");
        assertThat(back.metadata()).isEqualTo(Map.of("aid", "42"));
    }

    @Test
    void perSystemCodeAndDomainSurviveAndOnErrorWorksLikeThrowing() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = serve(ProbeService.rawPing((req, out) -> out.onError(
                PlazaError.of(61001, Status.Code.FAILED_PRECONDITION, "account", "USER_BANNED", "banned"))), false);

        PlazaError back = GrpcErrors.fromThrowable(
                catchThrowableOfType(StatusRuntimeException.class, () -> stub.ping(request("x"))));

        assertThat(back.code()).isEqualTo(61001);
        assertThat(back.grpcStatus()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(back.domain()).isEqualTo("account");
        assertThat(back.reason()).isEqualTo("USER_BANNED");
    }

    @ParameterizedTest(name = "in-process={0}")
    @ValueSource(booleans = {false, true})
    void unexpectedExceptionBecomesInternalWithErrorInfoAndLeaksNothing(boolean inProcess) throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = serve(ProbeService.ping(req -> {
            throw new IllegalStateException("db password is hunter2");
        }), inProcess);

        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, () -> stub.ping(request("x")));

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(e.getStatus().getDescription()).doesNotContain("hunter2");
        com.google.rpc.Status proto = StatusProto.fromThrowable(e);
        assertThat(proto).isNotNull();
        assertThat(proto.getDetailsList()).anyMatch(d -> d.is(ErrorInfo.class));
        PlazaError back = GrpcErrors.fromThrowable(e);
        assertThat(back.code()).isEqualTo(-500);
        assertThat(back.reason()).isEqualTo("INTERNAL");
    }

    @Test
    void onErrorWithAPlainExceptionIsAlsoInternal() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = serve(ProbeService.rawPing(
                (req, out) -> out.onError(new ArithmeticException("/ by zero"))), false);

        PlazaError back = GrpcErrors.fromThrowable(
                catchThrowableOfType(StatusRuntimeException.class, () -> stub.ping(request("x"))));

        assertThat(back.code()).isEqualTo(-500);
        assertThat(back.grpcStatus()).isEqualTo(Status.Code.INTERNAL);
    }

    @Test
    void unexpectedFailuresAreLoggedWithTheirStackAndClientErrorsWithout() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = serve(ProbeService.of(
                req -> {
                    throw PlazaError.notFound("ARCHIVE_NOT_FOUND", "gone");
                },
                req -> {
                    throw new IllegalStateException("bug");
                }), false);

        try (LogCapture log = new LogCapture(RecoveryInterceptor.class.getName())) {
            assertThatThrownBy(() -> stub.ping(request("x"))).isInstanceOf(StatusRuntimeException.class);
            assertThatThrownBy(() -> stub.relay(request("x"))).isInstanceOf(StatusRuntimeException.class);

            await().until(() -> log.events().size() >= 2);
            List<ILoggingEvent> events = log.events();
            ILoggingEvent notFound = events.stream()
                    .filter(ev -> ev.getFormattedMessage().contains(ProbeService.PING)).findFirst().orElseThrow();
            ILoggingEvent bug = events.stream()
                    .filter(ev -> ev.getFormattedMessage().contains(ProbeService.RELAY)).findFirst().orElseThrow();
            assertThat(notFound.getLevel()).isEqualTo(Level.INFO);
            assertThat(notFound.getThrowableProxy()).isNull();
            assertThat(notFound.getFormattedMessage()).contains("ARCHIVE_NOT_FOUND");
            assertThat(bug.getLevel()).isEqualTo(Level.ERROR);
            assertThat(bug.getThrowableProxy()).isNotNull();
            assertThat(bug.getThrowableProxy().getClassName()).isEqualTo(IllegalStateException.class.getName());
            assertThat(bug.getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
        }
    }

    @Test
    void rpcCallsTurnsFailuresIntoPlazaErrorsAndPassesResultsThrough() throws Exception {
        ProbeGrpc.ProbeBlockingStub stub = serve(ProbeService.of(
                req -> reply("pong " + req.getText()),
                req -> {
                    throw PlazaError.forbidden("NOT_OWNER", "not yours");
                }), false);

        assertThat(RpcCalls.call(() -> stub.ping(request("a"))).getText()).isEqualTo("pong a");
        assertThatThrownBy(() -> RpcCalls.call(() -> stub.relay(request("a"))))
                .isInstanceOfSatisfying(PlazaError.class, e -> {
                    assertThat(e.code()).isEqualTo(-403);
                    assertThat(e.reason()).isEqualTo("NOT_OWNER");
                });
    }

    @Test
    void aDownstreamErrorLeftUncaughtReachesTheFirstCallerUnchanged() throws Exception {
        String cName = RpcFixture.unique("errors-c");
        fx.start(RpcServer.builder(cName).inProcess(cName).addService(ProbeService.ping(req -> {
            throw PlazaError.notFound("REPLY_NOT_FOUND", "no such reply").withMetadata("rpid", "7");
        })));
        RpcClient toC = fx.track(RpcChannels.builder("b").build().inProcess(cName));
        ProbeGrpc.ProbeBlockingStub b = serve(ProbeService.of(
                req -> reply("unused"),
                req -> ProbeGrpc.newBlockingStub(toC).ping(req)), true);

        PlazaError back = GrpcErrors.fromThrowable(
                catchThrowableOfType(StatusRuntimeException.class, () -> b.relay(request("x"))));

        assertThat(back.code()).isEqualTo(-404);
        assertThat(back.reason()).isEqualTo("REPLY_NOT_FOUND");
        assertThat(back.metadata()).containsEntry("rpid", "7");
    }

    @Test
    void aMalformedMidIsRefusedAsBadRequest() throws Exception {
        String name = RpcFixture.unique("errors-mid");
        fx.start(RpcServer.builder(name).inProcess(name).addService(ProbeService.ping(req -> reply("ok"))));
        Metadata headers = new Metadata();
        headers.put(RpcHeaders.MID, "not-a-number");
        ProbeGrpc.ProbeBlockingStub stub = ProbeGrpc.newBlockingStub(fx.rawInProcess(name))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

        PlazaError back = GrpcErrors.fromThrowable(
                catchThrowableOfType(StatusRuntimeException.class, () -> stub.ping(request("x"))));

        assertThat(back.code()).isEqualTo(-400);
        assertThat(back.reason()).isEqualTo("BAD_CALLER_MID");
    }
}
