package dev.plaza.kit.rpc;

import dev.plaza.kit.errors.GrpcErrors;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.Context;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outermost server interceptor: whatever goes wrong inside (a handler throwing, a handler calling
 * {@code onError(PlazaError)}, an interceptor failing) leaves as a Status with {@code google.rpc.ErrorInfo}.
 * A PlazaError keeps its code, reason and metadata; anything else becomes -500 INTERNAL without leaking its message.
 *
 * <p>Every failure that means "overloaded" (RESOURCE_EXHAUSTED, -503, or a downstream call that was answered so)
 * leaves with the {@link RpcHeaders#NO_RETRY} trailer, see {@link NoRetryMarker}.
 *
 * <p>It also hands the call inward as a {@link GuardedServerCall}, so inner interceptors (the default deadline) may
 * close the call from another thread, and owns the {@link ServerCallState} that tells the observers how it ended.
 */
final class RecoveryInterceptor implements ServerInterceptor {
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryInterceptor.class);

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
                                                                 ServerCallHandler<ReqT, RespT> next) {
        ServerCallState state = new ServerCallState(call.getMethodDescriptor().getFullMethodName());
        GuardedServerCall<ReqT, RespT> guarded = new GuardedServerCall<>(call, state);
        Context context = Context.current().withValue(ServerCallState.KEY, state);
        ServerCall.Listener<ReqT> delegate;
        Context previous = context.attach();
        try {
            delegate = next.startCall(guarded, headers);
        } catch (Throwable t) {
            guarded.fail(t);
            rethrowIfFatal(t);
            delegate = new ServerCall.Listener<>() {
            };
        } finally {
            context.detach(previous);
        }
        return new RecoveringListener<>(delegate, guarded, state, context);
    }

    /** What a failure means to the caller: a PlazaError as thrown, a downstream failure as the peer sent it. */
    static PlazaError toError(Throwable t) {
        if (t instanceof PlazaError || t instanceof StatusRuntimeException || t instanceof StatusException) {
            return GrpcErrors.fromThrowable(t);
        }
        return PlazaError.internal("internal error", t);
    }

    /** Caller mistakes are routine (no stack); anything else is ours to fix (stack, and ERROR if unexpected). */
    static void log(String method, PlazaError e, Throwable thrown) {
        boolean expected = thrown instanceof PlazaError || thrown instanceof StatusRuntimeException
                || thrown instanceof StatusException;
        if (!expected) {
            LOG.error("{} failed: unexpected {}", method, thrown.toString(), thrown);
        } else if (e.isClientError()) {
            LOG.info("{} failed: {}", method, e.toString()); // toString: a trailing Throwable argument would print a stack
        } else {
            LOG.warn("{} failed: {}", method, e.toString(), thrown);
        }
    }

    private static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    private static final class RecoveringListener<ReqT> extends ServerCall.Listener<ReqT> {
        private final ServerCall.Listener<ReqT> delegate;
        private final GuardedServerCall<ReqT, ?> call;
        private final ServerCallState state;
        private final Context context;

        RecoveringListener(ServerCall.Listener<ReqT> delegate, GuardedServerCall<ReqT, ?> call,
                           ServerCallState state, Context context) {
            this.delegate = delegate;
            this.call = call;
            this.state = state;
            this.context = context;
        }

        @Override
        public void onMessage(ReqT message) {
            guard(() -> delegate.onMessage(message));
        }

        @Override
        public void onHalfClose() {
            guard(delegate::onHalfClose); // unary handlers run here
        }

        @Override
        public void onReady() {
            guard(delegate::onReady);
        }

        @Override
        public void onCancel() {
            guard(delegate::onCancel);
            end(true);
        }

        @Override
        public void onComplete() {
            guard(delegate::onComplete);
            end(false);
        }

        private void guard(Runnable callback) {
            Context previous = context.attach();
            try {
                callback.run();
            } catch (Throwable t) {
                call.fail(t);
                rethrowIfFatal(t);
            } finally {
                context.detach(previous);
            }
        }

        private void end(boolean cancelled) {
            Context previous = context.attach();
            try {
                state.end(cancelled);
            } finally {
                context.detach(previous);
            }
        }
    }

    /**
     * Serializes every use of the call (gRPC allows one thread at a time) and lets it close once: later sends and
     * closes, e.g. from a handler still running after its deadline closed the call, are dropped instead of throwing.
     * A close whose status carries an exception (what {@code onError(e)} produces) is translated here.
     */
    static final class GuardedServerCall<ReqT, RespT> extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
        private final ReentrantLock lock = new ReentrantLock(); // not synchronized: handlers run on virtual threads
        private final ServerCallState state;
        private boolean closed;

        GuardedServerCall(ServerCall<ReqT, RespT> delegate, ServerCallState state) {
            super(delegate);
            this.state = state;
        }

        @Override
        public void request(int numMessages) {
            whileOpen(() -> super.request(numMessages));
        }

        @Override
        public void sendHeaders(Metadata headers) {
            whileOpen(() -> super.sendHeaders(headers));
        }

        @Override
        public void sendMessage(RespT message) {
            whileOpen(() -> super.sendMessage(message));
        }

        @Override
        public void setMessageCompression(boolean enabled) {
            whileOpen(() -> super.setMessageCompression(enabled));
        }

        @Override
        public void setCompression(String compressor) {
            whileOpen(() -> super.setCompression(compressor));
        }

        @Override
        public void close(Status status, Metadata trailers) {
            Throwable cause = status.getCause();
            boolean failed = cause instanceof PlazaError
                    || (status.getCode() == Status.Code.UNKNOWN && cause != null
                        && !(cause instanceof StatusRuntimeException) && !(cause instanceof StatusException));
            if (failed) {
                fail(cause, trailers);
            } else {
                closeOnce(status, trailers);
            }
        }

        /** Closes the call with what {@code t} means to the caller, logging it; a no-op if already closed. */
        void fail(Throwable t) {
            fail(t, new Metadata());
        }

        private void fail(Throwable t, Metadata trailers) {
            String method = getMethodDescriptor().getFullMethodName();
            Status status;
            try {
                PlazaError error = toError(t);
                log(method, error, t);
                StatusRuntimeException wire = GrpcErrors.toStatus(error);
                if (wire.getTrailers() != null) {
                    trailers.merge(wire.getTrailers());
                }
                status = wire.getStatus();
            } catch (Throwable conversion) {
                // never leave the caller waiting for its deadline: answer something plain
                LOG.error("{}: could not convert {}", method, t, conversion);
                status = Status.INTERNAL.withDescription("internal error");
            }
            try {
                closeOnce(status, trailers);
            } catch (RuntimeException e) {
                LOG.debug("{}: could not close after a failure", method, e); // e.g. the transport already went away
            }
        }

        private void closeOnce(Status status, Metadata trailers) {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                if (!status.isOk() && (state.noRetry() || NoRetryMarker.says(status, trailers))) {
                    NoRetryMarker.mark(trailers); // here, where every close passes, converted failures included
                }
                state.closing(status); // before the close: onComplete may run on another thread right after
                super.close(status, trailers);
            } finally {
                lock.unlock();
            }
        }

        private void whileOpen(Runnable action) {
            lock.lock();
            try {
                if (!closed) {
                    action.run();
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
