package dev.plaza.kit.rpc;

import dev.plaza.kit.limit.Allowance;
import dev.plaza.kit.limit.BbrLimiter;
import dev.plaza.kit.limit.Criticality;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Sheds unary calls the {@link BbrLimiter} refuses before they reach the handler. The refusal is thrown, so the
 * recovery interceptor answers it like any other failure: RESOURCE_EXHAUSTED with the -503 {@code LIMIT_EXCEEDED}
 * ErrorInfo, and the metrics and access log outside this interceptor see it. An admitted call frees its slot when it
 * ends, however it ends (completed, failed, cancelled, past its deadline).
 *
 * <p>The caller's {@value Criticality#METADATA_KEY} (critical / sheddable) decides who goes first. Streams pass
 * unlimited: a stream open for minutes would hold a slot all along, and its lifetime is no response time.
 */
final class LimiterServerInterceptor implements ServerInterceptor {
    private final BbrLimiter limiter;

    LimiterServerInterceptor(BbrLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        if (call.getMethodDescriptor().getType() != MethodDescriptor.MethodType.UNARY) {
            return next.startCall(call, headers);
        }
        Criticality criticality = Criticality.parse(RpcMetadata.current().values().get(Criticality.METADATA_KEY));
        Allowance allowance = limiter.allow(criticality); // throws the refusal
        ServerCallState.current().onEnd(status -> allowance.done());
        return next.startCall(call, headers);
    }
}
