package dev.plaza.kit.rpc;

import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Gives a unary call that arrived without a deadline the method's default one (a stream only a timeout configured
 * for it by name, see {@link RpcTimeouts}). The deadline lives in the gRPC Context, so
 * every call the handler makes inherits what is left of it, and the handler can check
 * {@code Context.current().isCancelled()}. A caller-sent deadline is left alone: gRPC already enforces it.
 *
 * <p>When the default runs out the caller gets -504 DEADLINE_EXCEEDED at once, even if the handler is still busy;
 * this closes the call from the timer thread, which is safe because the recovery interceptor outside hands us a
 * guarded (serialized, close-once) call.
 */
final class DeadlineServerInterceptor implements ServerInterceptor {
    private final RpcTimeouts timeouts;
    private final ScheduledExecutorService timer;

    DeadlineServerInterceptor(RpcTimeouts timeouts, ScheduledExecutorService timer) {
        this.timeouts = timeouts;
        this.timer = timer;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        Optional<Duration> imposed = timeouts.imposedOn(call.getMethodDescriptor());
        if (Context.current().getDeadline() != null || imposed.isEmpty()) {
            return next.startCall(call, headers);
        }
        String method = call.getMethodDescriptor().getFullMethodName();
        Duration timeout = imposed.get();
        Context.CancellableContext context = Context.current()
                .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS, timer);
        context.addListener(c -> {
            if (c.cancellationCause() instanceof TimeoutException) {
                StatusRuntimeException wire = GrpcErrors.toStatus(
                        PlazaError.timeout(method + " did not finish within its default timeout " + timeout));
                call.close(wire.getStatus(), wire.getTrailers());
            }
        }, Runnable::run);
        ServerCall.Listener<ReqT> delegate;
        try {
            delegate = Contexts.interceptCall(context, call, headers, next);
        } catch (RuntimeException | Error e) {
            context.cancel(null);
            throw e;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
            @Override
            public void onComplete() {
                try {
                    super.onComplete();
                } finally {
                    context.cancel(null); // frees the timer; a null cause is not a timeout, so nothing is closed
                }
            }

            @Override
            public void onCancel() {
                try {
                    super.onCancel();
                } finally {
                    context.cancel(null);
                }
            }
        };
    }
}
