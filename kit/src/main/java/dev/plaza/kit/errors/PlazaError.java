package dev.plaza.kit.errors;

import io.grpc.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one error type that crosses layers and processes: a numeric code (Bilibili's ecode), a stable reason
 * (UPPER_SNAKE, from the system's error-reason enum in {@code api}), a human message and string metadata.
 * Over gRPC it is a {@link Status} with a {@code google.rpc.ErrorInfo} (see {@link GrpcErrors}); over HTTP it is the
 * envelope {@code {"code":..,"message":..,"ttl":1}}.
 *
 * <p>Instances are immutable; {@link #withMetadata} and {@link #withCause} return copies.
 */
public final class PlazaError extends RuntimeException {
    private final int code;
    private final String reason;
    private final String domain;
    private final Status.Code grpcStatus;
    private final Map<String, String> metadata;

    public PlazaError(int code, Status.Code grpcStatus, String domain, String reason, String message,
                      Map<String, String> metadata, Throwable cause) {
        super(message, cause, false, cause != null);
        this.code = code;
        this.grpcStatus = Objects.requireNonNull(grpcStatus, "grpcStatus");
        this.domain = domain == null ? "" : domain;
        this.reason = reason == null ? "" : reason;
        this.metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public static PlazaError of(ErrorCode code, String reason, String message) {
        return new PlazaError(code.code(), code.grpc(), "", reason, message, Map.of(), null);
    }

    /** A per-system code (positive, e.g. 61001) that travels as the given gRPC status. */
    public static PlazaError of(int code, Status.Code grpcStatus, String domain, String reason, String message) {
        return new PlazaError(code, grpcStatus, domain, reason, message, Map.of(), null);
    }

    public static PlazaError badRequest(String reason, String message) {
        return of(ErrorCode.BAD_REQUEST, reason, message);
    }

    public static PlazaError notLoggedIn(String message) {
        return of(ErrorCode.NOT_LOGGED_IN, "NOT_LOGGED_IN", message);
    }

    public static PlazaError csrfFailed(String message) {
        return of(ErrorCode.CSRF_FAILED, "CSRF_FAILED", message);
    }

    public static PlazaError forbidden(String reason, String message) {
        return of(ErrorCode.FORBIDDEN, reason, message);
    }

    public static PlazaError notFound(String reason, String message) {
        return of(ErrorCode.NOT_FOUND, reason, message);
    }

    public static PlazaError intercepted(String reason, String message) {
        return of(ErrorCode.INTERCEPTED, reason, message);
    }

    public static PlazaError internal(String message, Throwable cause) {
        return of(ErrorCode.SERVER_ERROR, "INTERNAL", message).withCause(cause);
    }

    public static PlazaError overloaded(String reason, String message) {
        return of(ErrorCode.OVERLOADED, reason, message);
    }

    public static PlazaError timeout(String message) {
        return of(ErrorCode.TIMEOUT, "TIMEOUT", message);
    }

    /** Turns any throwable into a PlazaError: itself if it already is one, else a -500 that keeps the cause. */
    public static PlazaError from(Throwable t) {
        if (t instanceof PlazaError e) {
            return e;
        }
        return internal("internal error", t);
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public String domain() {
        return domain;
    }

    public Status.Code grpcStatus() {
        return grpcStatus;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** True for errors caused by the caller (4xx-like): they are logged without a stack trace. */
    public boolean isClientError() {
        return switch (grpcStatus) {
            case INVALID_ARGUMENT, UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND, ALREADY_EXISTS,
                 FAILED_PRECONDITION, OUT_OF_RANGE, RESOURCE_EXHAUSTED -> true;
            default -> false;
        };
    }

    public PlazaError withMetadata(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(metadata);
        copy.put(key, value);
        return new PlazaError(code, grpcStatus, domain, reason, getMessage(), copy, getCause());
    }

    public PlazaError withDomain(String newDomain) {
        return new PlazaError(code, grpcStatus, newDomain, reason, getMessage(), metadata, getCause());
    }

    public PlazaError withCause(Throwable cause) {
        return new PlazaError(code, grpcStatus, domain, reason, getMessage(), metadata, cause);
    }

    /** Same code and reason. Use in tests and in callers that branch on a specific error. */
    public boolean is(PlazaError other) {
        return other != null && code == other.code && reason.equals(other.reason);
    }

    @Override
    public String toString() {
        return "PlazaError{code=" + code + ", reason=" + reason + ", domain=" + domain + ", message=" + getMessage()
                + (metadata.isEmpty() ? "" : ", metadata=" + metadata) + "}";
    }
}
