package dev.plaza.im.comet.rpc;

import dev.plaza.api.im.v1.BroadcastRequest;
import dev.plaza.api.im.v1.BroadcastRoomRequest;
import dev.plaza.api.im.v1.CometGrpc;
import dev.plaza.api.im.v1.PushKeysRequest;
import dev.plaza.api.im.v1.PushReply;
import dev.plaza.api.im.v1.RoomsReply;
import dev.plaza.api.im.v1.RoomsRequest;
import dev.plaza.im.comet.Comet;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** The comet's gRPC face for the job: pushes to keys, rooms and everyone, and the online count per room. */
public final class CometGrpcService extends CometGrpc.CometImplBase {
    private final Comet comet;

    public CometGrpcService(Comet comet) {
        this.comet = comet;
    }

    @Override
    public void pushKeys(PushKeysRequest r, StreamObserver<PushReply> out) {
        checkOp(r.getOp());
        int n = running(() -> comet.pushKeys(r.getKeysList(), r.getOp(), r.getBody().toByteArray()));
        out.onNext(PushReply.newBuilder().setDelivered(n).build());
        out.onCompleted();
    }

    @Override
    public void broadcastRoom(BroadcastRoomRequest r, StreamObserver<PushReply> out) {
        checkOp(r.getOp());
        if (!r.getRoom().contains("://")) {
            throw PlazaError.badRequest("BAD_ROOM", "room must look like type://id");
        }
        int online = comet.online(r.getRoom());
        List<byte[]> bodies = new ArrayList<>(r.getBodiesCount());
        r.getBodiesList().forEach(b -> bodies.add(b.toByteArray()));
        running(() -> {
            comet.broadcastRoom(r.getRoom(), r.getOp(), bodies);
            return null;
        });
        // room messages are queued on the room's batch; the count is who was in the room when they were handed in
        out.onNext(PushReply.newBuilder().setDelivered(online).build());
        out.onCompleted();
    }

    @Override
    public void broadcast(BroadcastRequest r, StreamObserver<PushReply> out) {
        checkOp(r.getOp());
        int n = running(() -> comet.broadcast(r.getOp(), r.getBody().toByteArray(), r.getSpeed()));
        out.onNext(PushReply.newBuilder().setDelivered(n).build());
        out.onCompleted();
    }

    @Override
    public void rooms(RoomsRequest r, StreamObserver<RoomsReply> out) {
        out.onNext(RoomsReply.newBuilder().putAllOnline(comet.rooms()).build());
        out.onCompleted();
    }

    private static void checkOp(int op) {
        if (op <= 0) {
            throw PlazaError.badRequest("BAD_OPERATION", "op must be positive");
        }
    }

    /** A comet that is closing refuses pushes: the caller (the job) retries them elsewhere or later. */
    private static <T> T running(Supplier<T> push) {
        try {
            return push.get();
        } catch (IllegalStateException e) {
            throw PlazaError.overloaded("COMET_CLOSING", "comet is closing");
        }
    }
}
