package dev.plaza.im.pm.biz;

import dev.plaza.api.im.v1.ImErrorReason;
import dev.plaza.kit.errors.ErrorCode;
import dev.plaza.kit.errors.PlazaError;
import io.grpc.Status;

/** The errors of private messages; reasons from {@link ImErrorReason}, Plaza's own codes 21001-21003. */
public final class PmErrors {
    public static final String DOMAIN = "im.plaza";
    public static final int CODE_BLOCKED = 21001;
    public static final int CODE_RECALL_EXPIRED = 21002;
    public static final int CODE_RECALL_NOT_ALLOWED = 21003;

    private PmErrors() {
    }

    public static PlazaError badParameter(String name, String why) {
        return PlazaError.badRequest(ImErrorReason.BAD_PARAMETER.name(), "parameter '" + name + "' " + why)
                .withMetadata("parameter", name);
    }

    public static PlazaError toSelf() {
        return PlazaError.badRequest(ImErrorReason.PM_TO_SELF.name(), "cannot send a private message to yourself");
    }

    public static PlazaError unsupportedType(int msgType) {
        return PlazaError.badRequest(ImErrorReason.PM_UNSUPPORTED_TYPE.name(), "msg_type " + msgType
                + " is not supported: 1 (text) or 5 (recall)").withMetadata("msg_type", Integer.toString(msgType));
    }

    public static PlazaError userNotFound(long mid) {
        return PlazaError.of(ErrorCode.NOT_FOUND, ImErrorReason.PM_USER_NOT_FOUND.name(), "no user " + mid)
                .withMetadata("mid", Long.toString(mid));
    }

    public static PlazaError blocked() {
        return PlazaError.of(CODE_BLOCKED, Status.Code.FAILED_PRECONDITION, DOMAIN, ImErrorReason.PM_BLOCKED.name(),
                "cannot message this user: one of you has blocked the other");
    }

    public static PlazaError tooFast(int burst, long windowMillis) {
        return PlazaError.of(ErrorCode.TOO_FREQUENT, ImErrorReason.PM_TOO_FAST.name(),
                "too many private messages: at most " + burst + " per " + windowMillis + " ms").withDomain(DOMAIN);
    }

    public static PlazaError messageNotFound(long msgKey) {
        return PlazaError.of(ErrorCode.NOT_FOUND, ImErrorReason.PM_MESSAGE_NOT_FOUND.name(), "no message " + msgKey
                + " in this conversation").withMetadata("msg_key", Long.toString(msgKey));
    }

    public static PlazaError sessionNotFound(long talker) {
        return PlazaError.of(ErrorCode.NOT_FOUND, ImErrorReason.PM_SESSION_NOT_FOUND.name(), "no session with "
                + talker).withMetadata("talker_id", Long.toString(talker));
    }

    public static PlazaError recallExpired(long windowMillis) {
        return PlazaError.of(CODE_RECALL_EXPIRED, Status.Code.FAILED_PRECONDITION, DOMAIN,
                ImErrorReason.PM_RECALL_EXPIRED.name(), "a message can be recalled only within " + windowMillis
                        + " ms of sending it");
    }

    public static PlazaError recallNotAllowed(String why) {
        return PlazaError.of(CODE_RECALL_NOT_ALLOWED, Status.Code.FAILED_PRECONDITION, DOMAIN,
                ImErrorReason.PM_RECALL_NOT_ALLOWED.name(), why);
    }
}
