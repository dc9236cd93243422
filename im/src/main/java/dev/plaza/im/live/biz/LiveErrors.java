package dev.plaza.im.live.biz;

import dev.plaza.kit.errors.ErrorCode;
import dev.plaza.kit.errors.PlazaError;

/**
 * The errors of live-room chat, in Bilibili's shared codes. Reasons are plain strings, like {@code ImErrors}, until
 * the api module has an enum for im.
 */
public final class LiveErrors {
    public static final String DOMAIN = "im.plaza";

    /** -400: a parameter is missing, malformed or out of range. */
    public static final String BAD_PARAMETER = "BAD_PARAMETER";
    /** -400: the message holds a listed word (refused, as comments in REJECT mode). */
    public static final String DANMAKU_SENSITIVE = "DANMAKU_SENSITIVE";
    /** -509: more danmaku in a room than the window allows. */
    public static final String DANMAKU_TOO_FAST = "DANMAKU_TOO_FAST";
    /** -404: no video with that aid, so no room. */
    public static final String ROOM_NOT_FOUND = "ROOM_NOT_FOUND";

    private LiveErrors() {
    }

    public static PlazaError badParameter(String name, String why) {
        return PlazaError.badRequest(BAD_PARAMETER, "parameter '" + name + "' " + why).withMetadata("parameter", name);
    }

    public static PlazaError sensitive() {
        return PlazaError.badRequest(DANMAKU_SENSITIVE, "the message contains sensitive words");
    }

    public static PlazaError tooFast(int burst, long windowMillis) {
        return PlazaError.of(ErrorCode.TOO_FREQUENT, DANMAKU_TOO_FAST,
                "too many danmaku: at most " + burst + " per " + windowMillis + " ms in a room").withDomain(DOMAIN);
    }

    public static PlazaError roomNotFound(long roomId) {
        return PlazaError.of(ErrorCode.NOT_FOUND, ROOM_NOT_FOUND, "no live room " + roomId)
                .withMetadata("roomid", Long.toString(roomId));
    }
}
