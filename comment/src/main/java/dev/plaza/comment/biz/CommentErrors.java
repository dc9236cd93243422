package dev.plaza.comment.biz;

import dev.plaza.api.comment.v1.CommentErrorReason;
import dev.plaza.kit.errors.ErrorCode;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.Status;

/**
 * The comment system's errors, with Bilibili's codes (docs/comment.md lists them). Reasons come from
 * {@link CommentErrorReason}.
 */
public final class CommentErrors {
    public static final String DOMAIN = "comment.plaza";

    public static final int CODE_CLOSED = 12002;
    public static final int CODE_SENSITIVE = 12016;
    public static final int CODE_ALREADY_DELETED = 12022;
    public static final int CODE_TOO_LONG = 12025;
    public static final int CODE_DUPLICATE = 12051;

    private CommentErrors() {
    }

    /** -404: no comment area for (type, oid): the video does not exist, or the type is not one we host. */
    public static PlazaError subjectNotFound(SubjectKey key) {
        return PlazaError.of(ErrorCode.NOT_FOUND.code(), Status.Code.NOT_FOUND, DOMAIN,
                        CommentErrorReason.SUBJECT_NOT_FOUND.name(), "no comment area for type " + key.type() + " oid "
                                + key.oid())
                .withMetadata("type", Integer.toString(key.type())).withMetadata("oid", Long.toString(key.oid()));
    }

    /** -404: no such comment in this subject (or it is hidden / waiting for review). */
    public static PlazaError replyNotFound(long rpid) {
        return PlazaError.of(ErrorCode.NOT_FOUND.code(), Status.Code.NOT_FOUND, DOMAIN,
                CommentErrorReason.REPLY_NOT_FOUND.name(), "no comment " + rpid).withMetadata("rpid",
                Long.toString(rpid));
    }

    public static PlazaError closed(SubjectKey key) {
        return PlazaError.of(CODE_CLOSED, Status.Code.FAILED_PRECONDITION, DOMAIN,
                CommentErrorReason.SUBJECT_CLOSED.name(), "comments are closed here");
    }

    public static PlazaError sensitive() {
        return PlazaError.of(CODE_SENSITIVE, Status.Code.INVALID_ARGUMENT, DOMAIN,
                CommentErrorReason.SENSITIVE_WORDS.name(), "the message contains sensitive words");
    }

    public static PlazaError tooLong(int max, int got) {
        return PlazaError.of(CODE_TOO_LONG, Status.Code.INVALID_ARGUMENT, DOMAIN,
                CommentErrorReason.MESSAGE_TOO_LONG.name(), "the message is longer than " + max + " characters ("
                        + got + ")");
    }

    public static PlazaError empty() {
        return PlazaError.of(ErrorCode.BAD_REQUEST.code(), Status.Code.INVALID_ARGUMENT, DOMAIN,
                CommentErrorReason.MESSAGE_EMPTY.name(), "the message is empty");
    }

    public static PlazaError duplicate() {
        return PlazaError.of(CODE_DUPLICATE, Status.Code.ALREADY_EXISTS, DOMAIN,
                CommentErrorReason.DUPLICATE.name(), "the same comment was just posted; do not repeat it");
    }

    public static PlazaError tooFrequent() {
        return PlazaError.of(ErrorCode.TOO_FREQUENT.code(), ErrorCode.TOO_FREQUENT.grpc(), DOMAIN,
                CommentErrorReason.TOO_FREQUENT.name(), "too many writes, try again later");
    }

    public static PlazaError notAllowed(String what) {
        return PlazaError.of(ErrorCode.FORBIDDEN.code(), Status.Code.PERMISSION_DENIED, DOMAIN,
                CommentErrorReason.NOT_ALLOWED.name(), what);
    }

    public static PlazaError badThread(String why) {
        return PlazaError.of(ErrorCode.BAD_REQUEST.code(), Status.Code.INVALID_ARGUMENT, DOMAIN,
                CommentErrorReason.BAD_THREAD.name(), why);
    }

    public static PlazaError alreadyDeleted(long rpid) {
        return PlazaError.of(CODE_ALREADY_DELETED, Status.Code.FAILED_PRECONDITION, DOMAIN,
                CommentErrorReason.ALREADY_DELETED.name(), "comment " + rpid + " is already deleted")
                .withMetadata("rpid", Long.toString(rpid));
    }

    /** -400 for a malformed parameter (page numbers, sizes, sorts, actions). */
    public static PlazaError badParameter(String name, String why) {
        return PlazaError.of(ErrorCode.BAD_REQUEST.code(), Status.Code.INVALID_ARGUMENT, DOMAIN, "BAD_PARAMETER",
                "parameter '" + name + "' " + why).withMetadata("parameter", name);
    }
}
