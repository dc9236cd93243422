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
