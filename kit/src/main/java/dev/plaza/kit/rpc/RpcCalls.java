package dev.plaza.kit.rpc;

import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.StatusRuntimeException;
import java.util.function.Supplier;

/**
 * Runs a client call and turns a gRPC failure into the {@link PlazaError} the peer meant (code, reason, metadata
 * from its ErrorInfo), so the service layer handles one error type whatever the transport.
 */
public final class RpcCalls {
    private RpcCalls() {
    }

    /** {@code Profile p = RpcCalls.call(() -> account.getProfile(req));} */
    public static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw GrpcErrors.fromThrowable(e);
        }
    }

    /**
     * {@link #call} on behalf of user {@code mid} (sent as {@code x-plaza-mid}, see {@link RpcCaller}); 0 or less
     * calls anonymously. For interface roles calling a service for the logged-in user.
     */
    public static <T> T callAs(long mid, Supplier<T> call) {
        if (mid <= 0) {
            return call(call);
        }
        io.grpc.Context actingFor = RpcCaller.onBehalfOf(mid);
        io.grpc.Context previous = actingFor.attach();
        try {
            return call(call);
        } finally {
            actingFor.detach(previous);
        }
    }

    public static void run(Runnable call) {
        call(() -> {
            call.run();
            return null;
        });
    }

    /** For code that already caught a failure, e.g. in an async stub's {@code onError}. */
    public static PlazaError toError(Throwable t) {
        return GrpcErrors.fromThrowable(t);
    }
}
