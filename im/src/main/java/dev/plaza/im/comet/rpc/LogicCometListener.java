package dev.plaza.im.comet.rpc;

import dev.plaza.api.im.v1.ConnectReply;
import dev.plaza.api.im.v1.ConnectRequest;
import dev.plaza.api.im.v1.DisconnectRequest;
import dev.plaza.api.im.v1.HeartbeatRequest;
import dev.plaza.api.im.v1.LogicGrpc;
import dev.plaza.api.im.v1.RenewOnlineRequest;
import dev.plaza.im.comet.AuthRefusedException;
import dev.plaza.im.comet.CometListener;
import dev.plaza.im.comet.Session;
import dev.plaza.im.protocol.Auth;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.rpc.RpcCalls;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The comet's listener over the logic service's gRPC API: auth goes to {@code Connect} (a refused token closes the
 * connection), the rest keeps logic's routes and online counts current. Failures of the reporting calls are logged
 * and dropped: routes expire on their own, and the next report repairs the counts.
 */
public final class LogicCometListener implements CometListener {
    private static final Logger LOG = LoggerFactory.getLogger(LogicCometListener.class);

    private final LogicGrpc.LogicBlockingStub logic;
    private final String server;

    /** @param server this comet's id: logic routes the connections' pushes to it */
    public LogicCometListener(LogicGrpc.LogicBlockingStub logic, String server) {
        this.logic = logic;
        this.server = server;
    }

    @Override
    public Session connect(Auth auth) {
        ConnectReply r;
        try {
            r = RpcCalls.call(() -> logic.connect(ConnectRequest.newBuilder().setServer(server).setToken(auth.key())
                    .setMid(auth.mid()).setRoom(auth.room()).setPlatform(auth.platform()).build()));
        } catch (PlazaError e) {
            if (e.isClientError()) {
                throw new AuthRefusedException(e.getMessage(), e);
            }
            throw e;
        }
        return new Session(r.getMid(), r.getKey(), r.getRoom(), auth.accepts());
    }

    @Override
    public void disconnect(Session session) {
        report("disconnect", () -> logic.disconnect(DisconnectRequest.newBuilder().setMid(session.mid())
                .setKey(session.key()).setServer(server).build()));
    }

    @Override
    public void heartbeat(Session session) {
        report("heartbeat", () -> logic.heartbeat(HeartbeatRequest.newBuilder().setMid(session.mid())
                .setKey(session.key()).setServer(server).build()));
    }

    @Override
    public void online(Map<String, Integer> roomCounts) {
        report("online", () -> logic.renewOnline(RenewOnlineRequest.newBuilder().setServer(server)
                .putAllOnline(roomCounts).build()));
    }

    private void report(String what, Runnable call) {
        try {
            RpcCalls.run(call);
        } catch (RuntimeException e) {
            LOG.warn("comet {}: {} report to logic failed: {}", server, what, e.getMessage());
        }
    }
}
