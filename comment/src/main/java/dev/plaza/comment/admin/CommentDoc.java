package dev.plaza.comment.admin;

import java.time.Instant;

/**
 * One comment as the search index holds it: the index row's fields and the message. Built from two tables that reach
 * the index separately, so a document whose index row has not arrived yet has no {@code oid} (0) and no ctime (null);
 * such documents are left out of searches.
 */
public record CommentDoc(long rpid, long oid, int type, long mid, long root, long parent, long dialog, int floor,
                         int state, int attrs, int like, int hate, String message, Instant ctime) {
}
