package dev.plaza.kit.rpc;

import dev.plaza.kit.errors.PlazaError;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.OptionalLong;

/** Makes {@link RpcCaller#current()} answer inside the handler, from {@code x-plaza-caller} and {@code x-plaza-mid}. */
final class CallerServerInterceptor implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        String app = headers.get(RpcHeaders.CALLER);
        RpcCaller caller = new RpcCaller(app == null ? "" : app, mid(headers.get(RpcHeaders.MID)));
        return Contexts.interceptCall(Context.current().withValue(RpcCaller.KEY, caller), call, headers, next);
    }

    private static OptionalLong mid(String raw) {
        if (raw == null || raw.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            long mid = Long.parseLong(raw);
            if (mid > 0) {
                return OptionalLong.of(mid);
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        // acting for a user nobody can name is a caller bug: refuse rather than act anonymously
        throw PlazaError.badRequest("BAD_CALLER_MID", RpcHeaders.MID.name() + " must be a positive number, got " + raw);
    }
}
