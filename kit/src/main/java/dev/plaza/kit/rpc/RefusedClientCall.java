package dev.plaza.kit.rpc;

import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.Executor;

/**
 * A call refused on the client's side (a breaker throttling, a bulkhead full): it never reaches the transport and
 * answers {@code status} with {@code trailers} as soon as it is started.
 */
final class RefusedClientCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {
    private final Status status;
    private final Metadata trailers;
    private final Executor executor; // the call's own, when it has one (blocking stubs do): callbacks belong there

    RefusedClientCall(Status status, Metadata trailers, Executor executor) {
        this.status = status;
        this.trailers = trailers;
        this.executor = executor;
    }

    @Override
    public void start(Listener<RespT> listener, Metadata headers) {
        Metadata copy = new Metadata();
        copy.merge(trailers); // a fresh copy: listeners may add to the trailers they get
        Runnable close = () -> listener.onClose(status, copy);
        if (executor == null) {
            close.run();
        } else {
            executor.execute(close);
        }
    }

    @Override
    public void request(int numMessages) {
    }

    @Override
    public void cancel(String message, Throwable cause) {
    }

    @Override
    public void halfClose() {
    }

    @Override
    public void sendMessage(ReqT message) {
    }
}
