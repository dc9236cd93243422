package dev.plaza.comment.biz;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads from the tables: the fallback of every cache miss and the source of cache rebuilds. */
public interface CommentReadRepo {
    Optional<Subject> subject(SubjectKey key);

    /** Visible roots in {@code sort} order (pinned ones included), {@code offset}/{@code limit} paging. */
    List<ReplyIndex> roots(SubjectKey key, Sort sort, int offset, int limit);

    /** Visible replies under one root, by floor ascending. */
    List<ReplyIndex> replies(SubjectKey key, long root, int offset, int limit);

    /** The first {@code perRoot} visible replies of each of the given roots (for list views), by floor. */
    Map<Long, List<ReplyIndex>> firstReplies(SubjectKey key, Collection<Long> roots, int perRoot);

    Map<Long, ReplyIndex> indexes(SubjectKey key, Collection<Long> rpids);

    Map<Long, ReplyContent> contents(SubjectKey key, Collection<Long> rpids);

    /** What {@code mid} did to these comments: rpid -> 1 liked, 2 disliked (absent: nothing). */
    Map<Long, Integer> actions(SubjectKey key, long mid, Collection<Long> rpids);
}
