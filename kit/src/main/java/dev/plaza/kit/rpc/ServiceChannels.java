package dev.plaza.kit.rpc;

import io.grpc.Channel;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Where each gRPC service is reached, by its full name ({@code plaza.account.v1.Account}). Systems ask it for the
 * channels of their dependencies instead of being handed one, so the same wiring runs in one JVM (every service
 * behind the one in-process channel) and as separate processes (one balanced {@code discovery:///<service>} channel
 * per service). Channels are opened on first use and closed with this directory.
 */
public final class ServiceChannels implements AutoCloseable {
    private final Function<String, RpcClient> open;
    private final Map<String, RpcClient> opened = new ConcurrentHashMap<>();
    private final boolean shared;

    private ServiceChannels(Function<String, RpcClient> open, boolean shared) {
        this.open = open;
        this.shared = shared;
    }

    /** Every service behind one channel (the in-process server of the all-in-one process); the caller closes it. */
    public static ServiceChannels single(RpcClient channel) {
        Objects.requireNonNull(channel, "channel");
        return new ServiceChannels(service -> channel, true);
    }

    /**
     * One channel per service to {@code <scheme>:///<service>} (e.g. {@code discovery:///plaza.account.v1.Account}),
     * each made by the service's own {@link RpcChannels}: a service may have its own breaker, retry and bulkhead.
     */
    public static ServiceChannels byTarget(Function<String, RpcChannels> channelsOf, String scheme) {
        Objects.requireNonNull(channelsOf, "channelsOf");
        if (scheme == null || !scheme.matches("[a-z][a-z0-9+.-]*")) {
            throw new IllegalArgumentException("not a target scheme: " + scheme);
        }
        return new ServiceChannels(service -> channelsOf.apply(service).forTarget(scheme + ":///" + service), false);
    }

    /**
     * One in-process channel per service to the server named {@code name}, each made by the service's own
     * {@link RpcChannels} (the all-in-one process: same interceptors and settings as over the network).
     */
    public static ServiceChannels inProcess(Function<String, RpcChannels> channelsOf, String name) {
        Objects.requireNonNull(channelsOf, "channelsOf");
        Objects.requireNonNull(name, "name");
        return new ServiceChannels(service -> channelsOf.apply(service).inProcess(name), false);
    }

    /** The channel to {@code service} (a gRPC service's full name, e.g. {@code AccountGrpc.SERVICE_NAME}). */
    public Channel forService(String service) {
        if (service == null || service.isBlank()) {
            throw new IllegalArgumentException("service name must not be blank");
        }
        return opened.computeIfAbsent(service, open);
    }

    /** Closes the channels this directory opened (not the one handed to {@link #single}). */
    @Override
    public void close() {
        if (!shared) {
            opened.values().forEach(RpcClient::close);
        }
        opened.clear();
    }
}
