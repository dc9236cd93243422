package dev.plaza.kit.rpc;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Starts servers and channels for a test and closes them all, newest first. */
final class RpcFixture implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /** In-process names are JVM-wide: make them unique per test. */
    static String unique(String name) {
        return name + "-" + SEQ.incrementAndGet();
    }

    /** A loopback Netty server on an ephemeral port, quick to drain at teardown. */
    static RpcServer.Builder loopback(String name) {
        return RpcServer.builder(name).host("127.0.0.1").port(0).drainTimeout(Duration.ofSeconds(2));
    }

    RpcServer start(RpcServer.Builder builder) throws Exception {
        RpcServer server = builder.build();
        open.push(server);
        server.start();
        return server;
    }

    <T extends AutoCloseable> T track(T resource) {
        open.push(resource);
        return resource;
    }

    /** A plain gRPC channel without Plaza's interceptors: a caller that sends no deadline, caller or metadata. */
    ManagedChannel raw(int port) {
        return trackChannel(Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
                .build());
    }

    ManagedChannel rawInProcess(String name) {
        return trackChannel(InProcessChannelBuilder.forName(name).build());
    }

    private ManagedChannel trackChannel(ManagedChannel channel) {
        open.push(() -> {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        });
        return channel;
    }

    /** Closes everything even if some fail; the first failure is rethrown. */
    @Override
    public void close() {
        RuntimeException first = null;
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (first == null) {
                    first = new IllegalStateException("teardown failed", e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
