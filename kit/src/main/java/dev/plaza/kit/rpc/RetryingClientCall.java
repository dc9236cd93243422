package dev.plaza.kit.rpc;

import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One unary call made of up to {@code maxAttempts} calls on the channel. It records what the caller did (start,
 * request, the one message, half-close) and replays it on each new attempt; the caller's listener sees the response
 * of one attempt only: the first that is not retried.
 *
 * <p>An attempt is committed, and never retried, once its response headers or a message arrive (gRFC A6), so the
 * caller never sees parts of two answers. Everything the caller and the attempts do runs in one
 * {@link SynchronizationContext}: in order, one at a time, without locks held while calling out, whichever thread
 * (caller, transport, backoff timer) gets there. Retries are started on the call's executor when it has one, as
 * grpc's own callbacks are: a blocking stub's thread only wakes up for work posted there.
 */
final class RetryingClientCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingClientCall.class);

    private final RetryClientInterceptor policy;
    private final MethodDescriptor<ReqT, RespT> method;
    private final CallOptions options;
    private final Channel next;
    private final Context context;
    private final SynchronizationContext serial = new SynchronizationContext(
            (thread, e) -> LOG.error("retrying call {} failed in a callback", this, e));

    // only touched inside `serial`
    private Listener<RespT> listener;
    private Metadata headers;
    private ReqT request;
    private int requested;
    private boolean halfClosed;
    private Boolean messageCompression;
    private int attempts;
    private boolean committed;
    private boolean cancelled;
    private boolean closed;
    /** The attempt in flight; null before the first and while waiting to retry. Volatile for {@link #isReady}. */
    private volatile ClientCall<ReqT, RespT> attempt;

    RetryingClientCall(RetryClientInterceptor policy, MethodDescriptor<ReqT, RespT> method, CallOptions options,
                       Channel next, Context context) {
        this.policy = policy;
        this.method = method;
        this.options = options;
        this.next = next;
        this.context = context;
    }

    @Override
    public void start(Listener<RespT> responseListener, Metadata requestHeaders) {
        Metadata pristine = copy(requestHeaders); // each attempt gets its own copy: the transport adds to them
        serial.execute(() -> {
            listener = responseListener;
            headers = pristine;
            if (cancelled) {
                close(Status.CANCELLED.withDescription("cancelled before start"), new Metadata());
            } else {
                startAttempt();
            }
        });
    }

    @Override
    public void request(int numMessages) {
        serial.execute(() -> {
            requested += numMessages;
            ClientCall<ReqT, RespT> current = attempt;
            if (current != null) {
                current.request(numMessages);
            }
        });
    }

    @Override
    public void sendMessage(ReqT message) {
        serial.execute(() -> {
            request = message; // unary: the one message, kept for the next attempts
            ClientCall<ReqT, RespT> current = attempt;
            if (current != null) {
                current.sendMessage(message);
            }
        });
    }

    @Override
    public void halfClose() {
        serial.execute(() -> {
            halfClosed = true;
            ClientCall<ReqT, RespT> current = attempt;
            if (current != null) {
                current.halfClose();
            }
        });
    }

    @Override
    public void setMessageCompression(boolean enabled) {
        serial.execute(() -> {
            messageCompression = enabled;
            ClientCall<ReqT, RespT> current = attempt;
            if (current != null) {
                current.setMessageCompression(enabled);
            }
        });
    }

    @Override
    public void cancel(String message, Throwable cause) {
        serial.execute(() -> {
            if (closed || cancelled) {
                return;
            }
            cancelled = true;
            ClientCall<ReqT, RespT> current = attempt;
            if (current != null) {
                current.cancel(message, cause); // its close (CANCELLED) reaches the caller
            } else if (listener != null) {
                // waiting to retry: no attempt will close for us
                close(Status.CANCELLED.withDescription(message).withCause(cause), new Metadata());
            }
        });
    }

    @Override
    public boolean isReady() {
        ClientCall<ReqT, RespT> current = attempt;
        return current != null && current.isReady();
    }

    @Override
    public Attributes getAttributes() {
        ClientCall<ReqT, RespT> current = attempt;
        return current == null ? Attributes.EMPTY : current.getAttributes();
    }

    private void startAttempt() {
        if (cancelled || closed) {
            return;
        }
        attempts++;
        committed = false;
        Context previous = context.attach(); // the call inherits the caller's deadline and cancellation
        try {
            ClientCall<ReqT, RespT> call = next.newCall(method, options);
            attempt = call;
            call.start(new AttemptListener(call), copy(headers));
            if (messageCompression != null) {
                call.setMessageCompression(messageCompression);
            }
            if (requested > 0) {
                call.request(requested);
            }
            if (request != null) {
                call.sendMessage(request);
            }
            if (halfClosed) {
                call.halfClose();
            }
        } finally {
            context.detach(previous);
        }
    }

    private void attemptClosed(Status status, Metadata trailers) {
        attempt = null;
        RetryClientInterceptor.relay(context, status, trailers);
        Duration wait = retryAfter(status, trailers);
        if (wait == null) {
            close(status, trailers);
            return;
        }
        // a virtual thread sleeping is free; a shared timer thread would need an owner to shut it down
        Thread.ofVirtual().name("rpc-retry").start(() -> {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // nobody interrupts it; retry at once if someone does
            }
            Runnable retry = () -> serial.execute(this::startAttempt);
            Executor executor = options.getExecutor();
            // the next attempt starts where grpc delivers this call's callbacks: a blocking stub's thread waits
            // for work on its own executor and would never see an answer handed over on this one
            if (executor == null) {
                retry.run();
            } else {
                executor.execute(retry);
            }
        });
    }

    /** How long to wait before the next attempt, or null to report this answer. */
    private Duration retryAfter(Status status, Metadata trailers) {
        if (committed || cancelled || status.getCode() != Status.Code.UNAVAILABLE
                || NoRetryMarker.says(status, trailers) || attempts >= policy.maxAttempts()
                || context.isCancelled()) {
            return null;
        }
        Duration wait = policy.backoff(attempts);
        Deadline deadline = deadline();
        if (deadline != null && deadline.timeRemaining(TimeUnit.NANOSECONDS) <= wait.toNanos()) {
            return null; // the retry would start after the caller stopped waiting
        }
        return policy.spendRetry(method.getFullMethodName()) ? wait : null;
    }

    private Deadline deadline() {
        Deadline call = options.getDeadline();
        Deadline inherited = context.getDeadline();
        if (call == null) {
            return inherited;
        }
        return inherited == null ? call : call.minimum(inherited);
    }

    private void close(Status status, Metadata trailers) {
        if (closed) {
            return;
        }
        closed = true;
        listener.onClose(status, trailers);
    }

    private static Metadata copy(Metadata headers) {
        Metadata copy = new Metadata();
        copy.merge(headers);
        return copy;
    }

    @Override
    public String toString() {
        return "RetryingClientCall[" + method.getFullMethodName() + "]";
    }

    /** Passes one attempt's events on, in order; stale ones (an attempt already given up on) are dropped. */
    private final class AttemptListener extends Listener<RespT> {
        private final ClientCall<ReqT, RespT> call;

        AttemptListener(ClientCall<ReqT, RespT> call) {
            this.call = call;
        }

        @Override
        public void onHeaders(Metadata responseHeaders) {
            serial.execute(() -> {
                if (call == attempt) {
                    committed = true;
                    listener.onHeaders(responseHeaders);
                }
            });
        }

        @Override
        public void onMessage(RespT message) {
            serial.execute(() -> {
                if (call == attempt) {
                    committed = true;
                    listener.onMessage(message);
                }
            });
        }

        @Override
        public void onReady() {
            serial.execute(() -> {
                if (call == attempt) {
                    listener.onReady();
                }
            });
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            serial.execute(() -> {
                if (call == attempt) {
                    attemptClosed(status, trailers);
                }
            });
        }
    }
}
