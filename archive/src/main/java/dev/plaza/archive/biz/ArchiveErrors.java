package dev.plaza.archive.biz;

import dev.plaza.api.archive.v1.ArchiveErrorReason;
import dev.plaza.kit.errors.ErrorCode;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.Status;

/** The video catalog's errors; codes are listed in docs/api.md. */
public final class ArchiveErrors {
    public static final String DOMAIN = "archive.plaza";

    private ArchiveErrors() {
    }

    public static PlazaError notFound(long aid) {
        return PlazaError.of(ErrorCode.NOT_FOUND.code(), Status.Code.NOT_FOUND, DOMAIN,
                ArchiveErrorReason.ARCHIVE_NOT_FOUND.name(), "no video with aid " + aid)
                .withMetadata("aid", Long.toString(aid));
    }

    /** A field of a video is missing or out of bounds; the message and the {@code field} metadata name it. */
    public static PlazaError invalid(String field, String why) {
        return PlazaError.of(ErrorCode.BAD_REQUEST.code(), Status.Code.INVALID_ARGUMENT, DOMAIN,
                ArchiveErrorReason.ARCHIVE_INVALID.name(), field + ": " + why).withMetadata("field", field);
    }

    public static PlazaError batchTooLarge(int max) {
        return PlazaError.of(ErrorCode.BAD_REQUEST.code(), Status.Code.INVALID_ARGUMENT, DOMAIN,
                "BATCH_TOO_LARGE", "at most " + max + " aids per call");
    }
}
