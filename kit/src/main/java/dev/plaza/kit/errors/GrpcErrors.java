package dev.plaza.kit.errors;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Converts {@link PlazaError} to and from gRPC: a {@code google.rpc.Status} whose details hold one
 * {@code google.rpc.ErrorInfo} (reason, domain, metadata). The numeric code rides in the metadata under
 * {@value #CODE_KEY} so that per-system codes survive the hop exactly.
 */
public final class GrpcErrors {
    public static final String CODE_KEY = "plaza-code";

    private GrpcErrors() {
    }

    public static StatusRuntimeException toStatus(PlazaError e) {
        Map<String, String> md = new LinkedHashMap<>(e.metadata());
        md.put(CODE_KEY, Integer.toString(e.code()));
        ErrorInfo info = ErrorInfo.newBuilder()
                .setReason(e.reason())
                .setDomain(e.domain())
                .putAllMetadata(md)
                .build();
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(e.grpcStatus().value())
                .setMessage(e.getMessage() == null ? "" : e.getMessage())
                .addDetails(Any.pack(info))
                .build();
        return StatusProto.toStatusRuntimeException(status);
    }

    /** Reads a PlazaError back from a gRPC failure; a status without ErrorInfo maps through {@link ErrorCode#fromGrpc}. */
    public static PlazaError fromThrowable(Throwable t) {
        if (t instanceof PlazaError e) {
            return e;
        }
        Status status;
        if (t instanceof StatusRuntimeException sre) {
            status = sre.getStatus();
        } else if (t instanceof StatusException se) {
            status = se.getStatus();
        } else {
            return PlazaError.from(t);
        }
        com.google.rpc.Status proto = StatusProto.fromThrowable(t);
        if (proto != null) {
            for (Any detail : proto.getDetailsList()) {
                if (detail.is(ErrorInfo.class)) {
                    try {
                        ErrorInfo info = detail.unpack(ErrorInfo.class);
                        Map<String, String> md = new LinkedHashMap<>(info.getMetadataMap());
                        String rawCode = md.remove(CODE_KEY);
                        int code = parseCode(rawCode, status.getCode());
                        return new PlazaError(code, status.getCode(), info.getDomain(), info.getReason(),
                                proto.getMessage(), md, null);
                    } catch (InvalidProtocolBufferException ignored) {
                        // fall through to the plain mapping below
                    }
                }
            }
        }
        ErrorCode shared = ErrorCode.fromGrpc(status.getCode());
        String message = status.getDescription() == null ? status.getCode().name() : status.getDescription();
        return new PlazaError(shared.code(), status.getCode(), "", status.getCode().name(), message, Map.of(), t);
    }

    /**
     * The numeric code a Plaza peer put in the ErrorInfo of a failed call; empty when the status carries none (a
     * transport failure, a peer that is not Plaza). Unlike {@link #fromThrowable} it does not fall back on the status
     * mapping, so callers can tell "the server said -503" from "the connection failed".
     */
    public static OptionalInt sentCode(Status status, Metadata trailers) {
        if (status.isOk() || trailers == null) {
            return OptionalInt.empty();
        }
        com.google.rpc.Status proto;
        try {
            proto = StatusProto.fromStatusAndTrailers(status, trailers);
        } catch (IllegalArgumentException mismatch) {
            return OptionalInt.empty(); // details for another status code: not ours to trust
        }
        if (proto == null) {
            return OptionalInt.empty();
        }
        for (Any detail : proto.getDetailsList()) {
            if (detail.is(ErrorInfo.class)) {
                try {
                    String raw = detail.unpack(ErrorInfo.class).getMetadataOrDefault(CODE_KEY, null);
                    return raw == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(raw));
                } catch (InvalidProtocolBufferException | NumberFormatException ignored) {
                    return OptionalInt.empty(); // not something a Plaza peer sends
                }
            }
        }
        return OptionalInt.empty();
    }

    private static int parseCode(String raw, Status.Code fallback) {
        if (raw != null) {
            try {
                return Integer.parseInt(raw);
            } catch (NumberFormatException ignored) {
                // a peer that is not Plaza: use the status mapping
            }
        }
        return ErrorCode.fromGrpc(fallback).code();
    }
}
