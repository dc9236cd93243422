package dev.plaza.kit.rpc;

import dev.plaza.kit.errors.PlazaError;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.LinkedHashMap;
import java.util.Map;

/** Copies the caller's {@code x-md-global-*} headers into the Context as {@link RpcMetadata}. */
final class MetadataServerInterceptor implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        Map<String, String> global = new LinkedHashMap<>();
        for (String key : headers.keys()) {
            if (key.startsWith(RpcHeaders.GLOBAL_PREFIX) && !key.endsWith(Metadata.BINARY_HEADER_SUFFIX)
                    && key.length() > RpcHeaders.GLOBAL_PREFIX.length()) {
                String value = headers.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
                if (value != null) {
                    global.put(key, value);
                }
            }
        }
        if (global.isEmpty()) {
            return next.startCall(call, headers);
        }
        RpcMetadata md;
        try {
            md = new RpcMetadata(global);
        } catch (IllegalArgumentException e) {
            throw PlazaError.badRequest("BAD_METADATA", e.getMessage()); // e.g. a control character in a value
        }
        Context context = Context.current().withValue(RpcMetadata.KEY, md);
        return Contexts.interceptCall(context, call, headers, next);
    }
}
