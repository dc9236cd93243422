package dev.plaza.kit.rpc;

import dev.plaza.kit.limit.BbrLimiter;
import dev.plaza.kit.trace.Tracing;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gRPC server for one role: the services, wrapped in Plaza's interceptor chain, listening on a Netty port, an
 * in-process name, or both (standalone mode calls in-process, other processes over the port; same handlers, same
 * interceptors). Handlers run one virtual thread per call, so they are plain blocking code.
 *
 * <p>Interceptors, outermost first: recovery, metadata ({@code x-md-global-*}), deadline, tracing, metrics, access
 * log, the limiter (if one is set), caller. Health ({@code grpc.health.v1}) and reflection are served outside the
 * chain, so they are never limited.
 *
 * <p>{@link #close()} is graceful: health turns NOT_SERVING, new calls are refused, calls in flight get up to the
 * drain timeout to finish, then whatever is left is cancelled.
 */
public final class RpcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RpcServer.class);

    private final String name;
    private final List<Server> servers;
    private final Server netty; // null when only in-process
    private final String inProcessName; // null when only Netty
    private final HealthStatusManager health; // null when disabled
    private final List<String> serviceNames;
    private final ExecutorService executor;
    private final ScheduledThreadPoolExecutor timer;
    private final Duration drainTimeout;
    private final Object lock = new Object();
    private volatile State state = State.NEW;

    private enum State { NEW, STARTED, CLOSED }

    private RpcServer(Builder b) {
        this.name = b.name;
        this.drainTimeout = b.drainTimeout;
        this.inProcessName = b.inProcessName;
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("rpc-" + name + "-", 0).factory());
        this.timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("rpc-" + name + "-timer")
                .factory());
        timer.setRemoveOnCancelPolicy(true); // most deadlines are cancelled long before they fire

        List<ServerInterceptor> chain = new ArrayList<>(List.of(
                new RecoveryInterceptor(),
                new MetadataServerInterceptor(),
                new DeadlineServerInterceptor(b.timeouts, timer),
                new TracingServerInterceptor(b.openTelemetry),
                new MetricsServerInterceptor(b.meterRegistry),
                new AccessLogServerInterceptor()));
        if (b.limiter != null) {
            chain.add(new LimiterServerInterceptor(b.limiter)); // inside metrics and access log: refusals show there
        }
        chain.add(new CallerServerInterceptor());
        List<ServerServiceDefinition> services = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (ServerServiceDefinition service : b.services) {
            services.add(ServerInterceptors.interceptForward(service, chain)); // first in the list runs first
            names.add(service.getServiceDescriptor().getName());
        }
        this.serviceNames = List.copyOf(names);
        this.health = b.health ? new HealthStatusManager() : null;

        List<Server> built = new ArrayList<>();
        if (b.inProcessName != null) {
            built.add(configure(InProcessServerBuilder.forName(b.inProcessName), services, b.reflection).build());
        }
        if (b.port != null) {
            this.netty = configure(NettyServerBuilder.forAddress(new InetSocketAddress(b.host, b.port)), services,
                    b.reflection).build();
            built.add(netty);
        } else {
            this.netty = null;
        }
        this.servers = List.copyOf(built);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Binds and starts serving; health reports SERVING for the server and each service once this returns. */
    public void start() throws IOException {
        synchronized (lock) {
            if (state != State.NEW) {
                throw new IllegalStateException("rpc server " + name + " is " + state.name().toLowerCase());
            }
            state = State.STARTED;
            List<Server> started = new ArrayList<>();
            try {
                for (Server server : servers) {
                    server.start();
                    started.add(server);
                }
            } catch (IOException | RuntimeException e) {
                started.forEach(Server::shutdownNow);
                shutdownExecutors();
                state = State.CLOSED;
                throw e;
            }
            if (health != null) {
                health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
                serviceNames.forEach(s -> health.setStatus(s, ServingStatus.SERVING));
            }
            LOG.info("rpc server {} serving {} on {}", name, serviceNames, where());
        }
    }

    /** The Netty port actually bound (the ephemeral one when built with port 0). */
    public int port() {
        if (netty == null) {
            throw new IllegalStateException("rpc server " + name + " has no network listener");
        }
        if (state != State.STARTED) {
            throw new IllegalStateException("rpc server " + name + " is " + state.name().toLowerCase());
        }
        return netty.getPort();
    }

    public String name() {
        return name;
    }

    public Optional<String> inProcessName() {
        return Optional.ofNullable(inProcessName);
    }

    /** Graceful: stop taking calls, give those in flight the drain timeout, then cancel the rest. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (state == State.CLOSED) {
                return;
            }
            boolean wasStarted = state == State.STARTED;
            state = State.CLOSED;
            if (wasStarted) {
                drain();
            }
            shutdownExecutors();
        }
    }

    private void drain() {
        if (health != null) {
            health.enterTerminalState(); // load balancers watching health stop sending before we refuse
        }
        servers.forEach(Server::shutdown);
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        boolean interrupted = false;
        for (Server server : servers) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !server.awaitTermination(left, TimeUnit.NANOSECONDS)) {
                    LOG.warn("rpc server {}: calls still running after {}, cancelling them", name, drainTimeout);
                    server.shutdownNow();
                    server.awaitTermination(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                interrupted = true;
                server.shutdownNow();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.info("rpc server {} stopped", name);
    }

    private void shutdownExecutors() {
        timer.shutdownNow();
        // the servers have terminated (or given up): anything still running here is a handler ignoring cancellation
        executor.shutdownNow();
    }

    private <T extends ServerBuilder<T>> T configure(T builder, List<ServerServiceDefinition> services,
                                                     boolean reflection) {
        builder.executor(executor);
        services.forEach(builder::addService);
        if (health != null) {
            builder.addService(health.getHealthService());
        }
        if (reflection) {
            builder.addService(ProtoReflectionServiceV1.newInstance());
        }
        return builder;
    }

    private String where() {
        List<String> places = new ArrayList<>();
        if (inProcessName != null) {
            places.add("in-process:" + inProcessName);
        }
        if (netty != null) {
            places.add(netty.getListenSockets().toString());
        }
        return String.join(" and ", places);
    }

    @Override
    public String toString() {
        return "RpcServer[" + name + "]";
    }

    public static final class Builder {
        private final String name;
        private final List<ServerServiceDefinition> services = new ArrayList<>();
        private String host = "0.0.0.0";
        private Integer port;
        private String inProcessName;
        private MeterRegistry meterRegistry = new CompositeMeterRegistry(); // records nothing
        private OpenTelemetry openTelemetry = Tracing.noop().openTelemetry(); // passes trace ids through
        private RpcTimeouts timeouts = RpcTimeouts.defaults();
        private Duration drainTimeout = Duration.ofSeconds(10);
        private boolean health = true;
        private boolean reflection;
        private BbrLimiter limiter;

        private Builder(String name) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("rpc server needs a name");
            }
            this.name = name;
        }

        /** Listen on a Netty port; 0 picks a free one (read it back with {@link RpcServer#port()}). */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** The address the Netty listener binds: {@code 0.0.0.0} (default) for all interfaces, {@code 127.0.0.1} for loopback. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Also (or only) serve in-process under this name, for callers in the same JVM. */
        public Builder inProcess(String name) {
            this.inProcessName = Objects.requireNonNull(name, "in-process name");
            return this;
        }

        public Builder addService(BindableService service) {
            return addService(service.bindService());
        }

        public Builder addService(ServerServiceDefinition service) {
            services.add(Objects.requireNonNull(service, "service"));
            return this;
        }

        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
            return this;
        }

        public Builder openTelemetry(OpenTelemetry otel) {
            this.openTelemetry = Objects.requireNonNull(otel, "openTelemetry");
            return this;
        }

        /** Timeout for calls to {@code fullMethodName} ({@code package.Service/Method}) that arrive without a deadline. */
        public Builder methodTimeout(String fullMethodName, Duration timeout) {
            this.timeouts = timeouts.withMethod(fullMethodName, timeout);
            return this;
        }

        /** Timeout for other calls that arrive without a deadline; {@link RpcTimeouts#DEFAULT} unless set. */
        public Builder defaultTimeout(Duration timeout) {
            this.timeouts = timeouts.withDefault(timeout);
            return this;
        }

        public Builder timeouts(RpcTimeouts timeouts) {
            this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
            return this;
        }

        /** How long {@link RpcServer#close()} waits for calls in flight before cancelling them; 10 s unless set. */
        public Builder drainTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("drain timeout must not be negative, got " + timeout);
            }
            this.drainTimeout = timeout;
            return this;
        }

        /** Serve {@code grpc.health.v1.Health} (on by default). */
        public Builder health(boolean enabled) {
            this.health = enabled;
            return this;
        }

        /** Serve gRPC server reflection (off by default), for grpcurl and friends. */
        public Builder reflection(boolean enabled) {
            this.reflection = enabled;
            return this;
        }

        /** Sheds unary calls with this adaptive limiter (none unless set); health and reflection stay unlimited. */
        public Builder limiter(BbrLimiter limiter) {
            this.limiter = Objects.requireNonNull(limiter, "limiter");
            return this;
        }

        public RpcServer build() {
            if (port == null && inProcessName == null) {
                throw new IllegalStateException("rpc server " + name + " needs a port(...) or an inProcess(...) name");
            }
            return new RpcServer(this);
        }
    }
}
