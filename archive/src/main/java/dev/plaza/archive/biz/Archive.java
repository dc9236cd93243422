package dev.plaza.archive.biz;

import java.time.Instant;

/**
 * A video ("archive" in Bilibili's vocabulary) with its single page. Videos are immutable once created in this version.
 *
 * @param aid      the public video id (AUTO_INCREMENT, kept within JavaScript's safe integers)
 * @param cid      the id of the video's first (and only) page, what players and danmaku key on
 * @param duration seconds
 * @param cover    an http(s) URL, or "" when the uploader gave none
 * @param pubdate  when it was published (the same as {@code ctime}: there is no review queue yet)
 */
public record Archive(long aid, long cid, long ownerMid, String title, String desc, int duration, String cover,
                      String mediaUrl, Instant pubdate, Instant ctime) {
}
