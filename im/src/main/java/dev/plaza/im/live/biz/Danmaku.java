package dev.plaza.im.live.biz;

/**
 * One sent danmaku, as kept in a room's recent list and broadcast.
 *
 * @param id       unique id (Bilibili's {@code id_str})
 * @param roomId   the room (a video's aid)
 * @param mid      the sender
 * @param nickname the sender's name when sent
 * @param text     the message, trimmed
 * @param mode     1 scroll, 4 bottom, 5 top
 * @param fontSize 12..64
 * @param color    RGB
 * @param tsMillis when it was accepted, Unix milliseconds
 */
public record Danmaku(String id, long roomId, long mid, String nickname, String text, int mode, int fontSize,
                      int color, long tsMillis) {
}
