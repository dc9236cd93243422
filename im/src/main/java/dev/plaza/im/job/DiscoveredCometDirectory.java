package dev.plaza.im.job;

import dev.plaza.api.im.v1.CometGrpc;
import dev.plaza.kit.discovery.ServiceInstance;
import dev.plaza.kit.discovery.ServiceWatcher;
import dev.plaza.kit.rpc.RpcChannels;
import dev.plaza.kit.rpc.RpcClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The comets registered in ZooKeeper, each reached on its own channel: a key push must go to the one comet holding
 * the connection, so comets are not balanced over like other services. A comet registers under its server id
 * ({@code im.server}), the id logic records in a connection's route. Channels of comets that left are closed.
 */
public final class DiscoveredCometDirectory implements CometDirectory, AutoCloseable {
    private record Comet(ServiceInstance instance, RpcClient channel, CometGrpc.CometBlockingStub stub) {
    }

    private final ServiceWatcher watcher;
    private final RpcChannels channels;
    private final Consumer<List<ServiceInstance>> listener = this::update;
    private volatile Map<String, Comet> comets = Map.of();
    private volatile List<String> servers = List.of();
    private boolean closed; // guarded by this

    /** @param watcher follows the comet service ({@code plaza.im.v1.Comet}); started by the caller */
    public DiscoveredCometDirectory(ServiceWatcher watcher, RpcChannels channels) {
        this.watcher = watcher;
        this.channels = channels;
        watcher.subscribe(listener);
    }

    private synchronized void update(List<ServiceInstance> instances) {
        if (closed) {
            return;
        }
        Map<String, Comet> next = new HashMap<>();
        for (ServiceInstance i : instances) {
            Comet known = comets.get(i.id());
            if (known != null && known.instance().host().equals(i.host())
                    && known.instance().grpcPort() == i.grpcPort()) {
                next.put(i.id(), known);
            } else {
                RpcClient channel = channels.forAddress(i.host(), i.grpcPort());
                next.put(i.id(), new Comet(i, channel, CometGrpc.newBlockingStub(channel)));
            }
        }
        Map<String, Comet> previous = comets;
        comets = Map.copyOf(next);
        servers = List.copyOf(next.keySet());
        previous.forEach((id, c) -> {
            if (next.get(id) != c) {
                // closing waits for calls in flight: not on the watcher's event thread
                Thread.startVirtualThread(c.channel()::close);
            }
        });
    }

    @Override
    public CometGrpc.CometBlockingStub comet(String server) {
        Comet c = comets.get(server);
        return c == null ? null : c.stub();
    }

    @Override
    public List<String> servers() {
        return servers;
    }

    @Override
    public synchronized void close() {
        closed = true;
        watcher.unsubscribe(listener);
        comets.values().forEach(c -> c.channel().close());
        comets = Map.of();
        servers = List.of();
    }
}
