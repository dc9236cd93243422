package dev.plaza.kit.rpc;

import static dev.plaza.kit.rpc.ProbeService.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.plaza.kit.log.AccessLog;
import dev.plaza.kit.log.MdcKeys;
import dev.plaza.kit.rpc.testproto.PingReply;
import dev.plaza.kit.rpc.testproto.ProbeGrpc;
import dev.plaza.kit.trace.Tracing;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** What travels from hop to hop: x-md-global-* metadata, caller identity and mid, trace context. */
class RpcPropagationTest {
    private final RpcFixture fx = new RpcFixture();

    @AfterEach
    void tearDown() {
        fx.close();
    }

    /** Records C's raw request headers, to prove what did not travel. */
    private final AtomicReference<Metadata> headersAtC = new AtomicReference<>();

    /**
     * A -> B over loopback Netty, B -> C in-process. C reports what it sees; B's Relay adds one value of its own to
     * the metadata before calling C.
     */
    private RpcServer chain(RpcChannels bChannels, RpcServer.Builder cExtra, RpcServer.Builder bExtra) throws Exception {
        String cName = RpcFixture.unique("prop-c");
        ServerInterceptor capture = new ServerInterceptor() {
            @Override
            public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call,
                    Metadata headers, ServerCallHandler<ReqT, RespT> next) {
                headersAtC.set(headers);
                return next.startCall(call, headers);
            }
        };
        ProbeService c = ProbeService.ping(req -> {
            RpcCaller caller = RpcCaller.current();
            PingReply.Builder reply = PingReply.newBuilder()
                    .putSeen("caller", caller.app())
                    .putSeen("mid", caller.mid().isPresent() ? Long.toString(caller.mid().getAsLong()) : "none")
                    .putSeen("trace", Span.current().getSpanContext().getTraceId())
                    .putSeen("mdc_trace", String.valueOf(MDC.get(MdcKeys.TRACE_ID)));
            RpcMetadata.current().values().forEach(reply::putSeen);
            return reply.build();
        });
        fx.start(cExtra.inProcess(cName).addService(ServerInterceptors.intercept(c, capture)));
        RpcClient toC = fx.track(bChannels.inProcess(cName));
        return fx.start(bExtra.addService(ProbeService.of(
                req -> ProbeService.reply("b"),
                req -> RpcMetadata.current().with("x-md-global-hop", "b").context()
                        .call(() -> ProbeGrpc.newBlockingStub(toC).ping(req)))));
    }

    @Test
    void globalMetadataAndTheMidTravelTwoHopsAndNothingElseDoes() throws Exception {
        RpcServer b = chain(RpcChannels.builder("app-b").build(), RpcServer.builder("prop-c"),
                RpcFixture.loopback("prop-b"));
        RpcClient toB = fx.track(RpcChannels.builder("app-a").build().forAddress("127.0.0.1", b.port()));
        Metadata explicit = new Metadata();
        explicit.put(Metadata.Key.of("x-private-note", Metadata.ASCII_STRING_MARSHALLER), "secret");
        ProbeGrpc.ProbeBlockingStub stub = ProbeGrpc.newBlockingStub(toB)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(explicit));

        PingReply reply = RpcMetadata.EMPTY.with("x-md-global-color", "red").context()
                .call(() -> RpcCaller.onBehalfOf(42).call(() -> stub.relay(request("x"))));

        assertThat(reply.getSeenMap())
                .containsEntry("x-md-global-color", "red")
                .containsEntry("x-md-global-hop", "b")
                .containsEntry("caller", "app-b")        // who called C: B, not A
                .containsEntry("mid", "42");             // on whose behalf: still A's user
        Metadata atC = headersAtC.get();
        assertThat(atC.get(Metadata.Key.of("x-private-note", Metadata.ASCII_STRING_MARSHALLER))).isNull();
        assertThat(atC.get(Metadata.Key.of("x-md-global-color", Metadata.ASCII_STRING_MARSHALLER))).isEqualTo("red");
    }

    @Test
    void rawGlobalHeadersFromANonPlazaCallerArePickedUpAndForwarded() throws Exception {
        RpcServer b = chain(RpcChannels.builder("app-b").build(), RpcServer.builder("prop-c"),
                RpcFixture.loopback("prop-b"));
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("x-md-global-Source", Metadata.ASCII_STRING_MARSHALLER), "grpcurl");
        ProbeGrpc.ProbeBlockingStub raw = ProbeGrpc.newBlockingStub(fx.raw(b.port()))
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

        PingReply reply = raw.relay(request("x"));

        assertThat(reply.getSeenMap()).containsEntry("x-md-global-source", "grpcurl").containsEntry("mid", "none");
    }

    @Test
    void theTraceContinuesAcrossHopsAndHandlersLogWithIt() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (Tracing tracing = Tracing.withExporter(1.0, "prop", exporter)) {
            RpcServer b = chain(RpcChannels.builder("app-b").openTelemetry(tracing.openTelemetry()).build(),
                    RpcServer.builder("prop-c").openTelemetry(tracing.openTelemetry()),
                    RpcFixture.loopback("prop-b").openTelemetry(tracing.openTelemetry()));
            RpcClient toB = fx.track(RpcChannels.builder("app-a").openTelemetry(tracing.openTelemetry()).build()
                    .forAddress("127.0.0.1", b.port()));

            Span root = tracing.tracer("test").spanBuilder("root").startSpan();
            PingReply reply;
            try (LogCapture access = new LogCapture(AccessLog.LOGGER)) {
                Scope scope = root.makeCurrent();
                try {
                    reply = ProbeGrpc.newBlockingStub(toB).relay(request("x"));
                } finally {
                    scope.close();
                    root.end();
                }
                String traceId = root.getSpanContext().getTraceId();
                assertThat(reply.getSeenMap()).containsEntry("trace", traceId).containsEntry("mdc_trace", traceId);

                await().until(() -> exporter.getFinishedSpanItems().size() >= 5);
                // this test's hops only (callers app-a and app-b): the appender also hears calls of earlier tests
                // that finish late, such as a cancelled call of a drain test
                await().until(() -> ownHops(access.events()).size() >= 2);
                List<ILoggingEvent> lines = ownHops(access.events());
                assertThat(lines).allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsEntry(MdcKeys.TRACE_ID, traceId));
            }

            List<SpanData> spans = exporter.getFinishedSpanItems();
            assertThat(spans).extracting(SpanData::getTraceId).containsOnly(root.getSpanContext().getTraceId());
            SpanData aClient = span(spans, SpanKind.CLIENT, ProbeService.RELAY);
            SpanData bServer = span(spans, SpanKind.SERVER, ProbeService.RELAY);
            SpanData bClient = span(spans, SpanKind.CLIENT, ProbeService.PING);
            SpanData cServer = span(spans, SpanKind.SERVER, ProbeService.PING);
            assertThat(aClient.getParentSpanId()).isEqualTo(root.getSpanContext().getSpanId());
            assertThat(bServer.getParentSpanId()).isEqualTo(aClient.getSpanId());
            assertThat(bClient.getParentSpanId()).isEqualTo(bServer.getSpanId());
            assertThat(cServer.getParentSpanId()).isEqualTo(bClient.getSpanId());
            assertThat(cServer.getAttributes().asMap()).containsValue(0L); // rpc.grpc.status_code OK
        }
    }

    @Test
    void aServerFaultMarksTheServerSpanAsError() throws Exception {
        InMemorySpanExporter exporter = InMemorySpanExporter.create();
        try (Tracing tracing = Tracing.withExporter(1.0, "prop", exporter)) {
            String name = RpcFixture.unique("prop-fault");
            fx.start(RpcServer.builder(name).inProcess(name).openTelemetry(tracing.openTelemetry())
                    .addService(ProbeService.of(
                            req -> {
                                throw new IllegalStateException("boom");
                            },
                            req -> {
                                throw PlazaError.notFound("NOPE", "nope");
                            })));
            ProbeGrpc.ProbeBlockingStub stub = ProbeGrpc.newBlockingStub(fx.rawInProcess(name));
            assertThatThrownBy(() -> stub.ping(request("x"))).isInstanceOf(StatusRuntimeException.class);
            assertThatThrownBy(() -> stub.relay(request("x"))).isInstanceOf(StatusRuntimeException.class);

            await().until(() -> exporter.getFinishedSpanItems().size() >= 2);
            List<SpanData> spans = exporter.getFinishedSpanItems();
            assertThat(span(spans, SpanKind.SERVER, ProbeService.PING).getStatus().getStatusCode())
                    .isEqualTo(StatusCode.ERROR);
            // the caller's mistake is not the server's fault
            assertThat(span(spans, SpanKind.SERVER, ProbeService.RELAY).getStatus().getStatusCode())
                    .isEqualTo(StatusCode.UNSET);
        }
    }

    private static SpanData span(List<SpanData> spans, SpanKind kind, String name) {
        return spans.stream().filter(s -> s.getKind() == kind && s.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " span " + name + " in " + spans));
    }

    private static List<ILoggingEvent> ownHops(List<ILoggingEvent> events) {
        return events.stream().filter(e -> e.getFormattedMessage().contains("peer=app-")).toList();
    }
}
