package dev.plaza.kit.rpc;

import dev.plaza.kit.balance.P2cConfig;
import dev.plaza.kit.balance.PlazaBalancing;
import dev.plaza.kit.trace.Tracing;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannelBuilder;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Makes {@link RpcClient}s for one calling application: every channel gets the same client interceptors, outermost
 * first: caller identity ({@code x-plaza-caller}, {@code x-plaza-mid}), metadata ({@code x-md-global-*} from the
 * Context), deadline (the method's default when none is set or inherited), tracing (CLIENT span + traceparent),
 * metrics ({@code grpc.client.requests}). Failures stay {@code StatusRuntimeException}; wrap calls in
 * {@link RpcCalls#call} to get {@link dev.plaza.kit.errors.PlazaError}s.
 *
 * <p>Immutable and cheap: the channels it made own the connections, close those.
 */
public final class RpcChannels {
    private final String callerApp;
    private final List<ClientInterceptor> chain; // outermost first
    private final Duration closeTimeout;
    private final MeterRegistry meterRegistry;

    private RpcChannels(Builder b) {
        this.callerApp = b.callerApp;
        this.closeTimeout = b.closeTimeout;
        this.meterRegistry = b.meterRegistry;
        this.chain = List.of(
                new CallerClientInterceptor(b.callerApp),
                new MetadataClientInterceptor(),
                new DeadlineClientInterceptor(b.timeouts),
                new TracingClientInterceptor(b.openTelemetry),
                new MetricsClientInterceptor(b.meterRegistry));
    }

    public static Builder builder(String callerApp) {
        return new Builder(callerApp);
    }

    public String callerApp() {
        return callerApp;
    }

    /** Plaintext HTTP/2 over Netty to {@code host:port}; connects lazily, on the first call. */
    public RpcClient forAddress(String host, int port) {
        return build(Grpc.newChannelBuilderForAddress(host, port, InsecureChannelCredentials.create()),
                host + ":" + port);
    }

    /** A server of this JVM that listens in-process under {@code name} ({@link RpcServer.Builder#inProcess}). */
    public RpcClient inProcess(String name) {
        return build(InProcessChannelBuilder.forName(name), "in-process:" + name);
    }

    /**
     * Any gRPC target a registered name resolver understands ({@code discovery:///comment.service},
     * {@code static:///127.0.0.1:9001,127.0.0.1:9002}, {@code dns:///host:port}, ...), plaintext, balanced over its
     * addresses by P2C + EWMA ({@link PlazaBalancing}).
     */
    public RpcClient forTarget(String target) {
        return build(PlazaBalancing.channelBuilder(target, meterRegistry, P2cConfig.DEFAULT), target);
    }

    private RpcClient build(ManagedChannelBuilder<?> builder, String target) {
        // the channel builder runs the last-added interceptor first: hand it the chain innermost first
        builder.intercept(chain.reversed());
        builder.userAgent("plaza/" + callerApp);
        return new RpcClient(builder.build(), target, closeTimeout);
    }

    public static final class Builder {
        private final String callerApp;
        private MeterRegistry meterRegistry = new CompositeMeterRegistry(); // records nothing
        private OpenTelemetry openTelemetry = Tracing.noop().openTelemetry(); // passes trace ids through
        private RpcTimeouts timeouts = RpcTimeouts.defaults();
        private Duration closeTimeout = Duration.ofSeconds(5);

        private Builder(String callerApp) {
            if (callerApp == null || callerApp.isBlank() || !callerApp.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("caller app must be a non-blank ASCII name, got " + callerApp);
            }
            this.callerApp = callerApp;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
            return this;
        }

        public Builder openTelemetry(OpenTelemetry otel) {
            this.openTelemetry = Objects.requireNonNull(otel, "openTelemetry");
            return this;
        }

        /** Timeout for calls to {@code fullMethodName} made with no deadline set or inherited. */
        public Builder methodTimeout(String fullMethodName, Duration timeout) {
            this.timeouts = timeouts.withMethod(fullMethodName, timeout);
            return this;
        }

        /** Timeout for other calls made with no deadline set or inherited; {@link RpcTimeouts#DEFAULT} unless set. */
        public Builder defaultTimeout(Duration timeout) {
            this.timeouts = timeouts.withDefault(timeout);
            return this;
        }

        public Builder timeouts(RpcTimeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
            return this;
        }

        /** How long {@link RpcClient#close()} lets calls in flight finish; 5 s unless set. */
        public Builder closeTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("close timeout must not be negative, got " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        public RpcChannels build() {
            return new RpcChannels(this);
        }
    }
}
