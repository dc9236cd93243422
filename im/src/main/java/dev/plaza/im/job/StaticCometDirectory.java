package dev.plaza.im.job;

import dev.plaza.api.im.v1.CometGrpc;
import io.grpc.Channel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixed set of comets, each behind a channel the caller owns (standalone: the one comet in process). Role
 * processes find theirs in ZooKeeper instead ({@link DiscoveredCometDirectory}).
 */
public final class StaticCometDirectory implements CometDirectory {
    private final Map<String, CometGrpc.CometBlockingStub> stubs;
    private final List<String> servers;

    /** @param channels comet server id -> channel to that comet (closed by the caller) */
    public StaticCometDirectory(Map<String, ? extends Channel> channels) {
        Map<String, CometGrpc.CometBlockingStub> m = new LinkedHashMap<>();
        channels.forEach((server, channel) -> {
            if (server == null || server.isBlank()) {
                throw new IllegalArgumentException("comet server ids must not be blank");
            }
            m.put(server, CometGrpc.newBlockingStub(channel));
        });
        this.stubs = Map.copyOf(m);
        this.servers = List.copyOf(m.keySet());
    }

    public static StaticCometDirectory of(String server, Channel channel) {
        return new StaticCometDirectory(Map.of(server, channel));
    }

    @Override
    public CometGrpc.CometBlockingStub comet(String server) {
        return stubs.get(server);
    }

    @Override
    public List<String> servers() {
        return servers;
    }
}
