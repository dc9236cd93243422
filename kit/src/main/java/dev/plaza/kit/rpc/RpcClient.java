package dev.plaza.kit.rpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A channel to one peer with Plaza's client interceptors, made by {@link RpcChannels}. It is a {@link Channel}, so
 * stubs take it directly ({@code AccountGrpc.newBlockingStub(client)}); share one per peer, it multiplexes calls.
 */
public final class RpcClient extends Channel implements AutoCloseable {
    private final ManagedChannel channel;
    private final String target;
    private final Duration closeTimeout;

    RpcClient(ManagedChannel channel, String target, Duration closeTimeout) {
        this.channel = channel;
        this.target = target;
        this.closeTimeout = closeTimeout;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> newCall(MethodDescriptor<ReqT, RespT> method, CallOptions options) {
        return channel.newCall(method, options);
    }

    @Override
    public String authority() {
        return channel.authority();
    }

    /** {@code host:port}, {@code in-process:name} or the gRPC target it was made for. */
    public String target() {
        return target;
    }

    /** For health checks and readiness: IDLE, CONNECTING, READY, TRANSIENT_FAILURE or SHUTDOWN. */
    public ConnectivityState state() {
        return channel.getState(false);
    }

    /** Graceful: no new calls; calls in flight get the close timeout to finish, then are cancelled. Idempotent. */
    @Override
    public void close() {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(closeTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "RpcClient[" + target + "]";
    }
}
