package dev.plaza.comment.biz;

import java.time.Instant;
import java.util.List;

/** The text of a comment, stored and returned exactly as written (plain text; clients escape). */
public record ReplyContent(long rpid, String message, List<Long> atMids, String ip, String platform, String device,
                           Instant ctime) {
    public ReplyContent {
        atMids = List.copyOf(atMids);
    }
}
