package dev.plaza.im.live.biz;

/**
 * A user's request to send a danmaku, unchecked.
 *
 * @param mid      the caller (0 or less: anonymous)
 * @param nickname the caller's name if the edge knows it (blank: looked up)
 * @param roomId   the room (a video's aid)
 * @param msg      the message as sent
 * @param color    decimal RGB
 * @param mode     1 scroll, 4 bottom, 5 top
 * @param fontSize font size
 * @param rnd      the client's random / page-load stamp, echoed in the broadcast
 */
public record SendDanmaku(long mid, String nickname, long roomId, String msg, long color, int mode, int fontSize,
                          long rnd) {
}
