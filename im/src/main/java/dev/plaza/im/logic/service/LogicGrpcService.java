package dev.plaza.im.logic.service;

import dev.plaza.api.im.v1.ConnectReply;
import dev.plaza.api.im.v1.ConnectRequest;
import dev.plaza.api.im.v1.DisconnectReply;
import dev.plaza.api.im.v1.DisconnectRequest;
import dev.plaza.api.im.v1.HeartbeatReply;
import dev.plaza.api.im.v1.HeartbeatRequest;
import dev.plaza.api.im.v1.LogicGrpc;
import dev.plaza.api.im.v1.LogicPushAllRequest;
import dev.plaza.api.im.v1.LogicPushKeysRequest;
import dev.plaza.api.im.v1.LogicPushMidsRequest;
import dev.plaza.api.im.v1.LogicPushReply;
import dev.plaza.api.im.v1.LogicPushRoomRequest;
import dev.plaza.api.im.v1.RenewOnlineReply;
import dev.plaza.api.im.v1.RenewOnlineRequest;
import dev.plaza.im.logic.biz.Connection;
import dev.plaza.im.logic.biz.ConnectionUsecase;
import dev.plaza.im.logic.biz.PushUsecase;
import io.grpc.stub.StreamObserver;

/**
 * The logic role over gRPC (goim's api/logic): DTO <-> domain around the connection and push use cases. Errors are
 * thrown as PlazaErrors; the server's interceptors turn them into Status + ErrorInfo.
 */
public final class LogicGrpcService extends LogicGrpc.LogicImplBase {
    private static final LogicPushReply PUSHED = LogicPushReply.getDefaultInstance();

    private final ConnectionUsecase connections;
    private final PushUsecase pushes;

    public LogicGrpcService(ConnectionUsecase connections, PushUsecase pushes) {
        this.connections = connections;
        this.pushes = pushes;
    }

    @Override
    public void connect(ConnectRequest r, StreamObserver<ConnectReply> out) {
        Connection c = connections.connect(r.getServer(), r.getToken(), r.getMid(), r.getRoom());
        out.onNext(ConnectReply.newBuilder().setMid(c.mid()).setKey(c.key()).setRoom(c.room())
                .setHeartbeat(c.heartbeatSeconds()).build());
        out.onCompleted();
    }

    @Override
    public void disconnect(DisconnectRequest r, StreamObserver<DisconnectReply> out) {
        boolean removed = connections.disconnect(r.getMid(), r.getKey(), r.getServer());
        out.onNext(DisconnectReply.newBuilder().setRemoved(removed).build());
        out.onCompleted();
    }

    @Override
    public void heartbeat(HeartbeatRequest r, StreamObserver<HeartbeatReply> out) {
        connections.heartbeat(r.getMid(), r.getKey(), r.getServer());
        out.onNext(HeartbeatReply.getDefaultInstance());
        out.onCompleted();
    }

    @Override
    public void renewOnline(RenewOnlineRequest r, StreamObserver<RenewOnlineReply> out) {
        out.onNext(RenewOnlineReply.newBuilder()
                .putAllOnline(connections.renewOnline(r.getServer(), r.getOnlineMap())).build());
        out.onCompleted();
    }

    @Override
    public void pushKeys(LogicPushKeysRequest r, StreamObserver<LogicPushReply> out) {
        pushes.pushKeys(r.getKeysList(), r.getOp(), r.getBody().toByteArray());
        out.onNext(PUSHED);
        out.onCompleted();
    }

    @Override
    public void pushMids(LogicPushMidsRequest r, StreamObserver<LogicPushReply> out) {
        pushes.pushMids(r.getMidsList(), r.getOp(), r.getBody().toByteArray());
        out.onNext(PUSHED);
        out.onCompleted();
    }

    @Override
    public void pushRoom(LogicPushRoomRequest r, StreamObserver<LogicPushReply> out) {
        pushes.pushRoom(r.getRoom(), r.getOp(), r.getBody().toByteArray());
        out.onNext(PUSHED);
        out.onCompleted();
    }

    @Override
    public void pushAll(LogicPushAllRequest r, StreamObserver<LogicPushReply> out) {
        pushes.pushAll(r.getOp(), r.getBody().toByteArray(), r.getSpeed());
        out.onNext(PUSHED);
        out.onCompleted();
    }
}
