package dev.plaza.comment.data.db;

import dev.plaza.comment.biz.CommentReadRepo;
import dev.plaza.comment.biz.HotScore;
import dev.plaza.comment.biz.IndexScores;
import dev.plaza.comment.biz.ReplyContent;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.ReplyState;
import dev.plaza.comment.biz.Sort;
import dev.plaza.comment.biz.Subject;
import dev.plaza.comment.biz.SubjectKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link CommentReadRepo} on the sharded tables (auto-commit reads). Every list is served by one of the
 * {@code (oid, type, root, state, ...)} indexes of {@code reply_index_NN}, in the same orders as the cached indexes
 * ({@link IndexScores}): time order is floor order (newest first), likes and replies orders break ties by floor
 * (newest first), replies of a root go by floor ascending. The hot order has no column: it is {@link HotScore} (in
 * its time-invariant form {@link IndexScores#hot}) computed in Java over a bounded candidate set (the top
 * {@code hotCandidates} roots by likes, by replies and by time, each read through its index), so a page deeper than
 * that set is empty.
 *
 * <p>{@link #indexes} returns comments in any state (callers decide what to show); the lists return visible
 * comments only, and {@link #replies} returns nothing under a root that is not visible itself.
 */
public final class ShardedCommentReadRepo implements CommentReadRepo {
    /** Candidates per order for the hot sort (so at most three times this many roots are scored). */
    public static final int DEFAULT_HOT_CANDIDATES = 1000;
    /** Largest IN list sent in one statement; longer batches are split. */
    private static final int MAX_IN = 500;

    private final CommentShards shards;
    private final ShardRouter router;
    private final int hotCandidates;

    public ShardedCommentReadRepo(CommentShards shards) {
        this(shards, DEFAULT_HOT_CANDIDATES);
    }

    public ShardedCommentReadRepo(CommentShards shards, int hotCandidates) {
        if (hotCandidates < 1) {
            throw new IllegalArgumentException("hotCandidates must be positive");
        }
        this.shards = shards;
        this.router = shards.router();
        this.hotCandidates = hotCandidates;
    }

    @Override
    public Optional<Subject> subject(SubjectKey key) {
        return shards.withConnection(key.oid(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.SUBJECT_COLS + " FROM "
                    + router.subjectTable(key.oid()) + " WHERE oid = ? AND type = ?")) {
                ps.setLong(1, key.oid());
                ps.setInt(2, key.type());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Rows.subject(rs)) : Optional.<Subject>empty();
                }
            }
        });
    }

    @Override
    public List<ReplyIndex> roots(SubjectKey key, Sort sort, int offset, int limit) {
        if (limit <= 0 || offset < 0) {
            return List.of();
        }
        if (sort == Sort.HOT) {
            return hot(key, offset, limit);
        }
        String order = switch (sort) {
            case TIME -> "`floor` DESC";
            case LIKES -> "`like` DESC, `floor` DESC";
            case REPLIES -> "rcount DESC, `floor` DESC";
            case HOT -> throw new IllegalStateException();
        };
        return shards.withConnection(key.oid(), c -> visibleRoots(c, key, order, offset, limit));
    }

    private List<ReplyIndex> visibleRoots(Connection c, SubjectKey key, String order, int offset, int limit)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.INDEX_COLS + " FROM "
                + router.indexTable(key.oid()) + " WHERE oid = ? AND type = ? AND root = 0 AND state = ? ORDER BY "
                + order + " LIMIT ? OFFSET ?")) {
            ps.setLong(1, key.oid());
            ps.setInt(2, key.type());
            ps.setInt(3, ReplyState.NORMAL);
            ps.setInt(4, limit);
            ps.setInt(5, offset);
            return Rows.indexes(ps);
        }
    }

    private List<ReplyIndex> hot(SubjectKey key, int offset, int limit) {
        Map<Long, ReplyIndex> candidates = shards.withConnection(key.oid(), c -> {
            Map<Long, ReplyIndex> m = new LinkedHashMap<>();
            for (String order : List.of("`like` DESC, `floor` DESC", "rcount DESC, `floor` DESC", "`floor` DESC")) {
                for (ReplyIndex r : visibleRoots(c, key, order, 0, hotCandidates)) {
                    m.putIfAbsent(r.rpid(), r);
                }
            }
            return m;
        });
        List<ReplyIndex> sorted = new ArrayList<>(candidates.values());
        Map<Long, Double> scores = new HashMap<>();
        for (ReplyIndex r : sorted) {
            scores.put(r.rpid(), IndexScores.root(Sort.HOT, r));
        }
        sorted.sort(Comparator.comparingDouble((ReplyIndex r) -> scores.get(r.rpid())).reversed()
                .thenComparing(Comparator.comparingInt(ReplyIndex::floor).reversed()));
        if (offset >= sorted.size()) {
            return List.of();
        }
        return List.copyOf(sorted.subList(offset, Math.min(sorted.size(), offset + limit)));
    }

    @Override
    public List<ReplyIndex> replies(SubjectKey key, long root, int offset, int limit) {
        if (limit <= 0 || offset < 0) {
            return List.of();
        }
        return shards.withConnection(key.oid(), c -> {
            // a hidden or deleted root hides its replies
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + router.indexTable(key.oid())
                    + " WHERE rpid = ? AND oid = ? AND type = ? AND root = 0 AND state = ?")) {
                ps.setLong(1, root);
                ps.setLong(2, key.oid());
                ps.setInt(3, key.type());
                ps.setInt(4, ReplyState.NORMAL);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return List.<ReplyIndex>of();
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.INDEX_COLS + " FROM "
                    + router.indexTable(key.oid()) + " WHERE oid = ? AND type = ? AND root = ? AND state = ? "
                    + "ORDER BY `floor` LIMIT ? OFFSET ?")) {
                ps.setLong(1, key.oid());
                ps.setInt(2, key.type());
                ps.setLong(3, root);
                ps.setInt(4, ReplyState.NORMAL);
                ps.setInt(5, limit);
                ps.setInt(6, offset);
                return Rows.indexes(ps);
            }
        });
    }

    /**
     * One statement: a {@code UNION ALL} of one {@code ORDER BY floor LIMIT perRoot} per root, each a short range
     * of {@code ix_floor}, so a root with thousands of replies costs as little as one with three. (A
     * {@code ROW_NUMBER() OVER (PARTITION BY root ORDER BY floor)} would number every visible reply of every root
     * before keeping the first few.)
     */
    @Override
    public Map<Long, List<ReplyIndex>> firstReplies(SubjectKey key, Collection<Long> roots, int perRoot) {
        if (roots.isEmpty() || perRoot <= 0) {
            return Map.of();
        }
        Map<Long, List<ReplyIndex>> out = new HashMap<>();
        String one = "(SELECT " + Rows.INDEX_COLS + " FROM " + router.indexTable(key.oid())
                + " WHERE oid = ? AND type = ? AND root = ? AND state = ? ORDER BY `floor` LIMIT ?)";
        for (List<Long> batch : batches(roots, 100)) {
            List<ReplyIndex> rows = shards.withConnection(key.oid(), c -> {
                try (PreparedStatement ps = c.prepareStatement(String.join(" UNION ALL ",
                        java.util.Collections.nCopies(batch.size(), one)))) {
                    int i = 1;
                    for (long r : batch) {
                        ps.setLong(i++, key.oid());
                        ps.setInt(i++, key.type());
                        ps.setLong(i++, r);
                        ps.setInt(i++, ReplyState.NORMAL);
                        ps.setInt(i++, perRoot);
                    }
                    return Rows.indexes(ps);
                }
            });
            for (ReplyIndex r : rows) {
                out.computeIfAbsent(r.root(), k -> new ArrayList<>()).add(r);
            }
        }
        out.values().forEach(l -> l.sort(Comparator.comparingInt(ReplyIndex::floor)));
        return out;
    }

    @Override
    public Map<Long, ReplyIndex> indexes(SubjectKey key, Collection<Long> rpids) {
        if (rpids.isEmpty()) {
            return Map.of();
        }
        Map<Long, ReplyIndex> out = new HashMap<>();
        for (List<Long> batch : batches(rpids)) {
            List<ReplyIndex> rows = shards.withConnection(key.oid(), c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.INDEX_COLS + " FROM "
                        + router.indexTable(key.oid()) + " WHERE rpid IN (" + Rows.marks(batch)
                        + ") AND oid = ? AND type = ?")) {
                    bindRpidsThenKey(ps, batch, key);
                    return Rows.indexes(ps);
                }
            });
            rows.forEach(r -> out.put(r.rpid(), r));
        }
        return out;
    }

    @Override
    public Map<Long, ReplyContent> contents(SubjectKey key, Collection<Long> rpids) {
        if (rpids.isEmpty()) {
            return Map.of();
        }
        Map<Long, ReplyContent> out = new HashMap<>();
        for (List<Long> batch : batches(rpids)) {
            shards.withConnection(key.oid(), c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.CONTENT_COLS + " FROM "
                        + router.contentTable(key.oid()) + " WHERE rpid IN (" + Rows.marks(batch)
                        + ") AND oid = ? AND type = ?")) {
                    bindRpidsThenKey(ps, batch, key);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ReplyContent rc = Rows.content(rs);
                            out.put(rc.rpid(), rc);
                        }
                    }
                }
                return null;
            });
        }
        return out;
    }

    @Override
    public Map<Long, Integer> actions(SubjectKey key, long mid, Collection<Long> rpids) {
        if (rpids.isEmpty() || mid <= 0) {
            return Map.of();
        }
        Map<Long, Integer> out = new HashMap<>();
        for (List<Long> batch : batches(rpids)) {
            shards.withConnection(key.oid(), c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT rpid, action FROM "
                        + router.actionTable(key.oid()) + " WHERE rpid IN (" + Rows.marks(batch)
                        + ") AND mid = ? AND action > 0")) {
                    int i = 1;
                    for (long r : batch) {
                        ps.setLong(i++, r);
                    }
                    ps.setLong(i, mid);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.put(rs.getLong(1), rs.getInt(2));
                        }
                    }
                }
                return null;
            });
        }
        return out;
    }

    private static List<List<Long>> batches(Collection<Long> ids) {
        return batches(ids, MAX_IN);
    }

    private static List<List<Long>> batches(Collection<Long> ids, int size) {
        List<Long> distinct = new ArrayList<>(new LinkedHashSet<>(ids));
        List<List<Long>> out = new ArrayList<>();
        for (int i = 0; i < distinct.size(); i += size) {
            out.add(distinct.subList(i, Math.min(distinct.size(), i + size)));
        }
        return out;
    }

    /** Binds {@code rpid IN (...) AND oid = ? AND type = ?}: the batch's rpids, then the subject. */
    private static void bindRpidsThenKey(PreparedStatement ps, List<Long> batch, SubjectKey key)
            throws java.sql.SQLException {
        int i = 1;
        for (long r : batch) {
            ps.setLong(i++, r);
        }
        ps.setLong(i++, key.oid());
        ps.setInt(i, key.type());
    }
}
