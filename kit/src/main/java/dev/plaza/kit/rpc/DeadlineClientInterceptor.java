package dev.plaza.kit.rpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A unary call with neither an explicit deadline ({@code stub.withDeadlineAfter}) nor an inherited one (the Context
 * of the handler making it) gets the method's default, so no client call can wait forever; streams only when
 * configured by name (see {@link RpcTimeouts}). gRPC itself takes the earlier of
 * the call's and the Context's deadline.
 */
final class DeadlineClientInterceptor implements ClientInterceptor {
    private final RpcTimeouts timeouts;

    DeadlineClientInterceptor(RpcTimeouts timeouts) {
        this.timeouts = timeouts;
    }

    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(MethodDescriptor<ReqT, RespT> method,
                                                               CallOptions callOptions, Channel next) {
        if (callOptions.getDeadline() == null && Context.current().getDeadline() == null) {
            Optional<Duration> imposed = timeouts.imposedOn(method);
            if (imposed.isPresent()) {
                callOptions = callOptions.withDeadlineAfter(imposed.get().toNanos(), TimeUnit.NANOSECONDS);
            }
        }
        return next.newCall(method, callOptions);
    }
}
