package dev.plaza.kit.rpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/** Sends the Context's {@link RpcMetadata} on; a value the caller put on the call explicitly wins. */
final class MetadataClientInterceptor implements ClientInterceptor {
    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
                                                               CallOptions callOptions, Channel next) {
        RpcMetadata md = RpcMetadata.current();
        ClientCall<ReqT, RespT> call = next.newCall(method, callOptions);
        if (md.values().isEmpty()) {
            return call;
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
            @Override
            public void start(Listener<RespT> responseListener, Metadata headers) {
                md.values().forEach((key, value) -> {
                    Metadata.Key<String> k = Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER);
                    if (!headers.containsKey(k)) {
                        headers.put(k, value);
                    }
                });
                super.start(responseListener, headers);
            }
        };
    }
}
