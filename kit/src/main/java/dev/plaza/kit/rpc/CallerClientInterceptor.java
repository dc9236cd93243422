package dev.plaza.kit.rpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.util.OptionalLong;

/** Says who is calling ({@code x-plaza-caller}) and, when the Context acts for a user, for whom ({@code x-plaza-mid}). */
final class CallerClientInterceptor implements ClientInterceptor {
    private final String app;

    CallerClientInterceptor(String app) {
        this.app = app;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
                                                               CallOptions callOptions, Channel next) {
        OptionalLong mid = RpcCaller.current().mid(); // read on the calling thread, where the Context is
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
            @Override
            public void start(Listener<RespT> responseListener, Metadata headers) {
                headers.discardAll(RpcHeaders.CALLER);
                headers.put(RpcHeaders.CALLER, app);
                if (mid.isPresent() && !headers.containsKey(RpcHeaders.MID)) {
                    headers.put(RpcHeaders.MID, Long.toString(mid.getAsLong()));
                }
                super.start(responseListener, headers);
            }
        };
    }
}
