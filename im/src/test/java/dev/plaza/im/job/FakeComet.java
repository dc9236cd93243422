package dev.plaza.im.job;

import dev.plaza.api.im.v1.BroadcastRequest;
import dev.plaza.api.im.v1.BroadcastRoomRequest;
import dev.plaza.api.im.v1.CometGrpc;
import dev.plaza.api.im.v1.PushKeysRequest;
import dev.plaza.api.im.v1.PushReply;
import dev.plaza.api.im.v1.RoomsReply;
import dev.plaza.api.im.v1.RoomsRequest;
import dev.plaza.kit.errors.PlazaError;
import dev.plaza.kit.rpc.RpcChannels;
import dev.plaza.kit.rpc.RpcClient;
import dev.plaza.kit.rpc.RpcServer;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A comet as the job sees it: a real gRPC {@code Comet} service on kit's RpcServer (in process) that records every
 * call. It can be told to fail its next calls (UNAVAILABLE), or every call.
 */
public final class FakeComet extends CometGrpc.CometImplBase implements AutoCloseable {
    public final List<PushKeysRequest> pushKeys = new CopyOnWriteArrayList<>();
    public final List<BroadcastRoomRequest> rooms = new CopyOnWriteArrayList<>();
    public final List<BroadcastRequest> broadcasts = new CopyOnWriteArrayList<>();
    /** Calls refused so far. */
    public final AtomicInteger refused = new AtomicInteger();
    /** Calls still to refuse; negative: refuse all. */
    public final AtomicInteger failNext = new AtomicInteger();

    private final RpcServer server;
    private final RpcClient client;

    public FakeComet() throws IOException {
        String name = "fake-comet-" + UUID.randomUUID();
        this.server = RpcServer.builder(name).inProcess(name).addService(this).health(false)
                .drainTimeout(java.time.Duration.ofMillis(200)).build();
        server.start();
        this.client = RpcChannels.builder("im-job-test").build().inProcess(name);
    }

    /** A channel to this comet (closed with it). */
    public RpcClient channel() {
        return client;
    }

    private boolean refuse() {
        int left = failNext.get();
        if (left < 0 || (left > 0 && failNext.compareAndSet(left, left - 1))) {
            refused.incrementAndGet();
            return true;
        }
        return false;
    }

    private static void reply(StreamObserver<PushReply> out) {
        out.onNext(PushReply.newBuilder().setDelivered(1).build());
        out.onCompleted();
    }

    @Override
    public void pushKeys(PushKeysRequest r, StreamObserver<PushReply> out) {
        if (refuse()) {
            throw PlazaError.overloaded("COMET_DOWN", "refused by the test");
        }
        pushKeys.add(r);
        reply(out);
    }

    @Override
    public void broadcastRoom(BroadcastRoomRequest r, StreamObserver<PushReply> out) {
        if (refuse()) {
            throw PlazaError.overloaded("COMET_DOWN", "refused by the test");
        }
        rooms.add(r);
        reply(out);
    }

    @Override
    public void broadcast(BroadcastRequest r, StreamObserver<PushReply> out) {
        if (refuse()) {
            throw PlazaError.overloaded("COMET_DOWN", "refused by the test");
        }
        broadcasts.add(r);
        reply(out);
    }

    @Override
    public void rooms(RoomsRequest r, StreamObserver<RoomsReply> out) {
        out.onNext(RoomsReply.getDefaultInstance());
        out.onCompleted();
    }

    /** The bodies this comet got for {@code room}, in arrival order, as UTF-8. */
    public List<String> roomBodies(String room) {
        List<String> out = new ArrayList<>();
        for (BroadcastRoomRequest r : rooms) {
            if (r.getRoom().equals(room)) {
                r.getBodiesList().forEach(b -> out.add(b.toString(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
