package dev.plaza.kit.errors;

import io.grpc.Status;

/**
 * The numeric codes of Bilibili's public API ("ecode") that every system shares, each with the gRPC status it
 * travels as. Per-system codes (for example 61001 in the account system) are plain ints passed to
 * {@link PlazaError}; they travel as the gRPC status given with them.
 */
public enum ErrorCode {
    OK(0, Status.Code.OK),
    NOT_LOGGED_IN(-101, Status.Code.UNAUTHENTICATED),
    CSRF_FAILED(-111, Status.Code.PERMISSION_DENIED),
    BAD_REQUEST(-400, Status.Code.INVALID_ARGUMENT),
    FORBIDDEN(-403, Status.Code.PERMISSION_DENIED),
    NOT_FOUND(-404, Status.Code.NOT_FOUND),
    INTERCEPTED(-412, Status.Code.RESOURCE_EXHAUSTED),
    SERVER_ERROR(-500, Status.Code.INTERNAL),
    /** Bilibili's "too frequent": a per-user rate limit (comments, danmaku). */
    TOO_FREQUENT(-509, Status.Code.RESOURCE_EXHAUSTED),
    OVERLOADED(-503, Status.Code.UNAVAILABLE),
    TIMEOUT(-504, Status.Code.DEADLINE_EXCEEDED);

    private final int code;
    private final Status.Code grpc;

    ErrorCode(int code, Status.Code grpc) {
        this.code = code;
        this.grpc = grpc;
    }

    public int code() {
        return code;
    }

    public Status.Code grpc() {
        return grpc;
    }

    /** The shared code a gRPC status maps to when the peer sent no {@code ErrorInfo}. */
    public static ErrorCode fromGrpc(Status.Code status) {
        return switch (status) {
            case OK -> OK;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> BAD_REQUEST;
            case UNAUTHENTICATED -> NOT_LOGGED_IN;
            case PERMISSION_DENIED -> FORBIDDEN;
            case NOT_FOUND -> NOT_FOUND;
            case RESOURCE_EXHAUSTED -> INTERCEPTED;
            case UNAVAILABLE -> OVERLOADED;
            case DEADLINE_EXCEEDED, CANCELLED -> TIMEOUT;
            default -> SERVER_ERROR;
        };
    }
}
