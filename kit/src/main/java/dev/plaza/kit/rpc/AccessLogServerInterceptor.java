package dev.plaza.kit.rpc;

import dev.plaza.kit.log.AccessLog;
import dev.plaza.kit.trace.TraceContext;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.inprocess.AnonymousInProcessSocketAddress;
import io.grpc.inprocess.InProcessSocketAddress;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * One access-log line per call. The peer reads {@code caller@address} so in-process calls (no address worth showing)
 * still say who called. The line is written with the call's span active, so it carries the trace id.
 */
final class AccessLogServerInterceptor implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        long start = System.nanoTime();
        String method = call.getMethodDescriptor().getFullMethodName();
        String peer = peer(headers.get(RpcHeaders.CALLER), call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        Span span = Span.current(); // the tracing interceptor outside made the call's span current
        ServerCallState.current().onEnd(status -> {
            try (Scope ignored = TraceContext.activate(span)) {
                AccessLog.grpc(method, status.getCode().name(), System.nanoTime() - start, peer);
            }
        });
        return next.startCall(call, headers);
    }

    private static String peer(String caller, SocketAddress address) {
        String where;
        if (address instanceof InetSocketAddress inet) {
            where = (inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress())
                    + ":" + inet.getPort();
        } else if (address instanceof InProcessSocketAddress || address instanceof AnonymousInProcessSocketAddress) {
            where = "in-process"; // its "address" is our own server's name: no news to the reader
        } else {
            where = address == null ? "" : address.toString();
        }
        if (caller == null || caller.isEmpty()) {
            return where;
        }
        return where.isEmpty() ? caller : caller + "@" + where;
    }
}
