package dev.plaza.kit.rpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server call's outcome, shared by the interceptors through the gRPC Context. The recovery interceptor owns it:
 * it records the status actually sent (it sits closest to the transport, so it sees every close, including its own)
 * and ends the call exactly once. Observers (tracing, metrics, access log) register end hooks instead of wrapping the
 * call, so they also see failures that never reached them as a {@code close}: exceptions the recovery turned into a
 * status, a default deadline firing, a client cancelling.
 */
final class ServerCallState {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCallState.class);
    static final Context.Key<ServerCallState> KEY = Context.key("plaza-rpc-call-state");

    private final String fullMethod;
    private final List<Consumer<Status>> endHooks = new ArrayList<>();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Status sent;
    private volatile boolean noRetry;

    ServerCallState(String fullMethod) {
        this.fullMethod = fullMethod;
    }

    static ServerCallState current() {
        ServerCallState state = KEY.get();
        if (state == null) {
            throw new IllegalStateException("rpc server interceptors run only inside RpcServer's chain");
        }
        return state;
    }

    /** Hooks run once when the call ends, innermost (last registered) first, like a stack unwinding. */
    void onEnd(Consumer<Status> hook) {
        synchronized (endHooks) {
            endHooks.add(hook);
        }
    }

    /**
     * A downstream call made for this one was answered "don't retry": so is this call's failure, if it fails, or the
     * callers up the chain would retry what the layer below already gave up on.
     */
    void markNoRetry() {
        noRetry = true;
    }

    boolean noRetry() {
        return noRetry;
    }

    /** The first close wins: later ones are dropped by the guarded call anyway. */
    void closing(Status status) {
        if (sent == null) {
            sent = status;
        }
    }

    /** Called for the transport's onComplete / onCancel; the context is the call's, to tell a deadline from a cancel. */
    void end(boolean cancelled) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        Status status = sent;
        if (status == null || (cancelled && status.isOk())) {
            Deadline deadline = Context.current().getDeadline();
            status = deadline != null && deadline.isExpired() ? Status.DEADLINE_EXCEEDED : Status.CANCELLED;
        }
        List<Consumer<Status>> hooks;
        synchronized (endHooks) {
            hooks = List.copyOf(endHooks);
        }
        for (int i = hooks.size() - 1; i >= 0; i--) {
            try {
                hooks.get(i).accept(status);
            } catch (RuntimeException e) {
                // one broken observer must not keep the others from recording the call
                LOG.warn("end hook of {} failed", fullMethod, e);
            }
        }
    }
}
