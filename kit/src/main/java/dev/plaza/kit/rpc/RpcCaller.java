package dev.plaza.kit.rpc;

import io.grpc.Context;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Who is calling: the calling application ({@code x-plaza-caller}) and, when the call is made on behalf of a logged-in
 * user, that user's mid ({@code x-plaza-mid}). Inside a handler {@link #current()} is the caller; calls the handler
 * makes carry the same mid on, so a chain of services acts for one user without passing the mid in every request.
 */
public record RpcCaller(String app, OptionalLong mid) {
    /** Outside any call, and for callers that did not say who they are. */
    public static final RpcCaller UNKNOWN = new RpcCaller("", OptionalLong.empty());

    static final Context.Key<RpcCaller> KEY = Context.key("plaza-rpc-caller");

    public RpcCaller {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(mid, "mid");
    }

    public static RpcCaller current() {
        RpcCaller caller = KEY.get();
        return caller == null ? UNKNOWN : caller;
    }

    /**
     * The current gRPC Context with {@code mid} as the user outgoing calls act for; the edge uses it after it has
     * authenticated the user: {@code RpcCaller.onBehalfOf(mid).call(() -> stub.post(req))}.
     */
    public static Context onBehalfOf(long mid) {
        return Context.current().withValue(KEY, new RpcCaller(current().app(), OptionalLong.of(mid)));
    }
}
