package dev.plaza.bench.overload;

import dev.plaza.kit.errors.ErrorCode;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.Status;

/**
 * Admission control applied by the work route itself, first thing in the handler: how the peers (Sentinel,
 * Gradient2) are plugged in. The kit's BBR limiter does not go through here: HttpEdge applies it in front of Javalin,
 * on the Jetty I/O thread that parsed the request, and answers a refusal from there (see the kit's
 * AdmissionHandler). So BBR decides earlier and refuses more cheaply than the peers can from inside a route; that is
 * the kit's design being measured, not a difference of setup.
 */
interface Admission {
    /**
     * The refusal every peer throws: -503 with gRPC RESOURCE_EXHAUSTED, exactly like BbrLimiter's, so a shed request
     * costs the same (the edge logs client errors at debug, no stack trace) whoever shed it. One shared instance: it
     * carries no stack trace.
     */
    PlazaError REFUSED = PlazaError.of(ErrorCode.OVERLOADED.code(), Status.Code.RESOURCE_EXHAUSTED, "",
            "LIMIT_EXCEEDED", "server overloaded, try again later");

    /** Admits the request or throws {@link #REFUSED}. */
    Ticket enter();

    /** A one-line view of the peer's state for the server's periodic stats line. */
    default String state() {
        return "";
    }

    /** One admitted request; {@link #exit(boolean)} exactly once. */
    interface Ticket {
        void exit(boolean ok);
    }

    /** No admission control: every request runs. */
    Admission NONE = () -> ok -> { };
}
