package dev.plaza.im.logic.biz;

import dev.plaza.api.im.v1.ImErrorReason;
import dev.plaza.kit.errors.ErrorCode;
import dev.plaza.kit.errors.PlazaError;

/**
 * The errors of the im logic role, in Bilibili's shared codes; reasons from {@link ImErrorReason}.
 */
public final class ImErrors {
    /** -400: a parameter is missing, malformed or out of range. */
    public static final String BAD_PARAMETER = ImErrorReason.BAD_PARAMETER.name();
    /** -101: the token is unknown, expired or revoked (or missing where anonymous connections are not allowed). */
    public static final String TOKEN_INVALID = ImErrorReason.TOKEN_INVALID.name();
    /** -101: the client claimed a mid that is not the token's user. */
    public static final String MID_MISMATCH = ImErrorReason.MID_MISMATCH.name();

    private ImErrors() {
    }

    public static PlazaError badParameter(String name, String why) {
        return PlazaError.badRequest(BAD_PARAMETER, "parameter '" + name + "' " + why).withMetadata("parameter", name);
    }

    public static PlazaError tokenInvalid(String why) {
        return PlazaError.of(ErrorCode.NOT_LOGGED_IN, TOKEN_INVALID, why);
    }

    public static PlazaError midMismatch(long claimed) {
        return PlazaError.of(ErrorCode.NOT_LOGGED_IN, MID_MISMATCH,
                "the token does not belong to mid " + claimed).withMetadata("mid", Long.toString(claimed));
    }
}
