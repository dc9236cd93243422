package dev.plaza.kit.rpc;

import dev.plaza.kit.rpc.testproto.PingReply;
import dev.plaza.kit.rpc.testproto.PingRequest;
import dev.plaza.kit.rpc.testproto.ProbeGrpc;
import io.grpc.stub.StreamObserver;

/** The test service: each test plugs in what Ping, Relay or Watch do. */
final class ProbeService extends ProbeGrpc.ProbeImplBase {
    static final String PING = ProbeGrpc.getPingMethod().getFullMethodName();
    static final String RELAY = ProbeGrpc.getRelayMethod().getFullMethodName();

    /** Full control, e.g. to call {@code out.onError(...)} instead of throwing. */
    interface RawHandler {
        void handle(PingRequest request, StreamObserver<PingReply> out) throws Exception;
    }

    /** The usual shape: return the reply or throw. */
    interface Handler {
        PingReply handle(PingRequest request) throws Exception;
    }

    // A method a test does not plug in is left to ProbeImplBase, which answers UNIMPLEMENTED like any gRPC server.
    private final RawHandler ping;
    private final RawHandler relay;
    private final RawHandler watch;

    private ProbeService(RawHandler ping, RawHandler relay, RawHandler watch) {
        this.ping = ping;
        this.relay = relay;
        this.watch = watch;
    }

    /** Only Watch (a server stream) is served. */
    static ProbeService watching(RawHandler watch) {
        return new ProbeService(null, null, watch);
    }

    static ProbeService of(Handler ping, Handler relay) {
        return new ProbeService(raw(ping), raw(relay), null);
    }

    static ProbeService ping(Handler ping) {
        return new ProbeService(raw(ping), null, null);
    }

    static ProbeService rawPing(RawHandler ping) {
        return new ProbeService(ping, null, null);
    }

    static PingReply reply(String text) {
        return PingReply.newBuilder().setText(text).build();
    }

    static PingRequest request(String text) {
        return PingRequest.newBuilder().setText(text).build();
    }

    @Override
    public void ping(PingRequest request, StreamObserver<PingReply> out) {
        if (ping == null) {
            super.ping(request, out);
            return;
        }
        run(ping, request, out);
    }

    @Override
    public void relay(PingRequest request, StreamObserver<PingReply> out) {
        if (relay == null) {
            super.relay(request, out);
            return;
        }
        run(relay, request, out);
    }

    @Override
    public void watch(PingRequest request, StreamObserver<PingReply> out) {
        if (watch == null) {
            super.watch(request, out);
            return;
        }
        run(watch, request, out);
    }

    private static void run(RawHandler handler, PingRequest request, StreamObserver<PingReply> out) {
        try {
            handler.handle(request, out);
        } catch (RuntimeException e) {
            throw e; // what a real handler does: the server's recovery interceptor must deal with it
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static RawHandler raw(Handler handler) {
        return (request, out) -> {
            PingReply reply = handler.handle(request);
            out.onNext(reply);
            out.onCompleted();
        };
    }
}
