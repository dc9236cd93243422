package dev.plaza.comment.admin;

import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.SubjectKey;
import java.util.Optional;

/** Reads one comment's index row from the tables (the truth), whatever its state, to validate an admin action. */
public interface ReplyLookup {
    Optional<ReplyIndex> find(SubjectKey key, long rpid);
}
