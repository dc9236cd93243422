package dev.plaza.im.live.biz;

import dev.plaza.api.im.v1.ImErrorReason;
import dev.plaza.kit.errors.ErrorCode;
import dev.plaza.kit.errors.PlazaError;

/**
 * The errors of live-room chat, in Bilibili's shared codes; reasons from {@link ImErrorReason}.
 */
public final class LiveErrors {
    public static final String DOMAIN = "im.plaza";

    /** -400: a parameter is missing, malformed or out of range. */
    public static final String BAD_PARAMETER = ImErrorReason.BAD_PARAMETER.name();
    /** -400: the message holds a listed word (refused, as comments in REJECT mode). */
    public static final String DANMAKU_SENSITIVE = ImErrorReason.DANMAKU_SENSITIVE.name();
    /** -509: more danmaku in a room than the user's window or the room's quota allows. */
    public static final String DANMAKU_TOO_FAST = ImErrorReason.DANMAKU_TOO_FAST.name();
    /** -404: no video with that aid, so no room. */
    public static final String ROOM_NOT_FOUND = ImErrorReason.ROOM_NOT_FOUND.name();

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

    public static PlazaError roomTooBusy(long roomId) {
        return PlazaError.of(ErrorCode.TOO_FREQUENT, DANMAKU_TOO_FAST,
                "too many danmaku in room " + roomId + " right now, try again shortly").withDomain(DOMAIN);
    }

    public static PlazaError roomNotFound(long roomId) {
        return PlazaError.of(ErrorCode.NOT_FOUND, ROOM_NOT_FOUND, "no live room " + roomId)
                .withMetadata("roomid", Long.toString(roomId));
    }
}
