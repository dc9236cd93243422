package dev.plaza.comment.data.db;

import dev.plaza.comment.biz.CommentErrors;
import dev.plaza.comment.biz.CommentStore;
import dev.plaza.comment.biz.Reply;
import dev.plaza.comment.biz.ReplyContent;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.ReplyState;
import dev.plaza.comment.biz.Subject;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.kit.errors.PlazaError;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CommentStore} on the sharded tables. Every change is one READ COMMITTED transaction on the subject's
 * database that first locks the subject row ({@code SELECT ... FOR UPDATE}), so the changes of one subject are
 * serialized by that lock: floors are consecutive and the counts are always the sum of what they count. Locks are
 * always taken subject first, then comment rows (a root before its reply), so two transactions never wait on each
 * other in a cycle. Likes lock only the comment row.
 *
 * <p>Counting rules: {@code subject.root_count} = visible roots; {@code subject.all_count} = visible roots plus the
 * visible replies under visible roots; {@code root.count} = replies ever posted under the root (any state);
 * {@code root.rcount} = visible replies under it (kept while the root itself is hidden, so restoring the root
 * restores them). A pending (held) comment has its floor but is counted only once approved.
 *
 * <p>A post whose root/parent do not form a valid thread of the subject (missing, deleted, hidden, another
 * subject's) writes nothing (its content row is taken back) and throws {@code PlazaError} -400 {@code BAD_THREAD}:
 * the service validated it already, so the job logs it at WARN and drops it.
 */
public final class ShardedCommentStore implements CommentStore {
    private static final Logger log = LoggerFactory.getLogger(ShardedCommentStore.class);
    /** Bit of {@code subject.attrs}: the subject has a pinned root ({@code top_rpid}). */
    public static final int SUBJECT_ATTR_HAS_TOP = ReplyState.ATTR_PINNED;
    private static final int AT_MIDS_WIDTH = 2048;

    private final CommentShards shards;
    private final ShardRouter router;
    private final Clock clock;

    public ShardedCommentStore(CommentShards shards, Clock clock) {
        this.shards = shards;
        this.router = shards.router();
        this.clock = clock;
    }

    public CommentShards shards() {
        return shards;
    }

    // ---------------------------------------------------------------------------------------------------- post

    @Override
    public PostOutcome applyPost(NewReply r, long ownerMid) {
        PostAttempt a = applyPosts(r.key(), List.of(r), ownerMid).getFirst();
        if (a.refused() != null) {
            throw a.refused();
        }
        return a.outcome();
    }

    @Override
    public List<PostAttempt> applyPosts(SubjectKey key, List<NewReply> replies, long ownerMid) {
        PostAttempt[] out = new PostAttempt[replies.size()];
        List<Integer> valid = new ArrayList<>();
        List<ReplyContent> contents = new ArrayList<>();
        for (int i = 0; i < replies.size(); i++) {
            NewReply r = replies.get(i);
            try {
                contents.add(prepare(key, r));
                valid.add(i);
            } catch (PlazaError e) {
                out[i] = new PostAttempt(null, e);
            }
        }
        if (valid.isEmpty()) {
            return List.of(out);
        }
        writeContents(key, contents);
        for (int round = 0; ; round++) {
            List<PostResult> results = shards.inTransaction(key.oid(), c -> {
                List<PostResult> done = new ArrayList<>(valid.size());
                for (int j = 0; j < valid.size(); j++) {
                    NewReply r = replies.get(valid.get(j));
                    PostResult res = post(c, r, r.root(), parentOf(r), ownerMid, contents.get(j));
                    if (res.outcome == null && res.badThread == null) {
                        return null; // no subject row: nothing written yet (it is checked first)
                    }
                    done.add(res);
                }
                return done;
            });
            if (results != null) {
                for (int j = 0; j < valid.size(); j++) {
                    NewReply r = replies.get(valid.get(j));
                    PostResult res = results.get(j);
                    if (res.badThread != null) {
                        deleteOrphanContent(key, r.rpid());
                        out[valid.get(j)] = new PostAttempt(null, badThread(r, res.badThread));
                    } else {
                        out[valid.get(j)] = new PostAttempt(res.outcome, null);
                    }
                }
                return List.of(out);
            }
            if (round > 0) {
                throw PlazaError.internal("subject " + key.kafkaKey() + " vanished while posting", null);
            }
            insertSubject(key, ownerMid);
        }
    }

    private static long parentOf(NewReply r) {
        return r.root() != 0 && r.parent() == 0 ? r.root() : r.parent();
    }

    /** Checks a post's fields and makes its content row; throws the permanent error that refuses it. */
    private ReplyContent prepare(SubjectKey key, NewReply r) {
        if (!r.key().equals(key)) {
            throw CommentErrors.badParameter("key", "post " + r.rpid() + " is of " + r.key().kafkaKey() + ", not "
                    + key.kafkaKey());
        }
        if (r.rpid() <= 0) {
            throw CommentErrors.badParameter("rpid", "must be positive, was " + r.rpid());
        }
        if (r.root() == 0 && parentOf(r) != 0) {
            throw badThread(r, "a parent without a root");
        }
        if (r.state() != ReplyState.NORMAL && r.state() != ReplyState.PENDING) {
            throw CommentErrors.badParameter("state", "of a new comment is NORMAL (0) or PENDING (3), not " + r.state());
        }
        Instant ctime = (r.ctime() == null ? clock.instant() : r.ctime()).truncatedTo(ChronoUnit.MILLIS);
        return new ReplyContent(r.rpid(), r.message() == null ? "" : r.message(),
                fitMids(r.atMids()), Rows.text(r.ip(), 64), Rows.text(r.platform(), 32), Rows.text(r.device(), 128),
                ctime);
    }

    /** The outcome, or why the thread is bad, or neither when the subject row is missing (create it and run again). */
    private record PostResult(PostOutcome outcome, String badThread) {
    }

    private PostResult post(Connection c, NewReply r, long root, long parent, long ownerMid, ReplyContent content)
            throws SQLException {
        SubjectKey key = r.key();
        Subject s = selectSubject(c, key, true);
        if (s == null) {
            return new PostResult(null, null);
        }
        ReplyIndex existing = selectIndexOfAnySubject(c, key.oid(), r.rpid());
        if (existing != null && !existing.key().equals(key)) {
            // a second use of the id (never a snowflake): refusing beats a duplicate-key failure retried forever
            return new PostResult(null, "rpid " + r.rpid() + " is taken by a comment of " + existing.key().kafkaKey());
        }
        if (existing != null) {
            // a redelivery: the comment is there already; nothing changes
            ReplyContent stored = selectContent(c, key, r.rpid());
            return new PostResult(new PostOutcome(new Reply(existing, stored == null ? content : stored), s, false),
                    null);
        }
        Instant now = now();
        long dialog = 0;
        ReplyIndex rootRow = null;
        if (root != 0) {
            rootRow = selectIndex(c, key, root, true);
            if (rootRow == null || !rootRow.isRoot() || !ReplyState.visible(rootRow.state())) {
                return new PostResult(null, "root " + root + " is not a visible root of the subject");
            }
            if (parent == root) {
                dialog = r.rpid();
            } else {
                ReplyIndex parentRow = selectIndex(c, key, parent, false);
                if (parentRow == null || parentRow.root() != root || !ReplyState.visible(parentRow.state())) {
                    return new PostResult(null, "parent " + parent + " is not a visible reply under root " + root);
                }
                dialog = parentRow.dialog() != 0 ? parentRow.dialog() : parentRow.rpid();
            }
        }
        boolean visible = ReplyState.visible(r.state());
        int floor = s.floorCount() + 1;
        ReplyIndex row = new ReplyIndex(r.rpid(), key, r.mid(), root, parent, dialog, floor, 0, 0, 0, 0, r.state(), 0,
                content.ctime());
        insertIndex(c, row, now);
        int rootCount = s.rootCount();
        int allCount = s.allCount();
        if (visible) {
            allCount++;
            if (root == 0) {
                rootCount++;
            }
        }
        if (rootRow != null) {
            updateIndex(c, copy(rootRow, rootRow.count() + 1, rootRow.rcount() + (visible ? 1 : 0), rootRow.like(),
                    rootRow.hate(), rootRow.state(), rootRow.attrs()), now);
        }
        long owner = s.ownerMid() == 0 ? ownerMid : s.ownerMid();
        Subject after = new Subject(key, owner, floor, rootCount, allCount, s.state(), s.attrs(), s.topRpid(),
                s.ctime(), now);
        updateSubject(c, after);
        return new PostResult(new PostOutcome(new Reply(row, content), after, true), null);
    }

    /** One multi-row statement; INSERT IGNORE: a redelivered post keeps the first text. */
    private void writeContents(SubjectKey key, List<ReplyContent> contents) {
        Instant now = now();
        String rows = String.join(", ", java.util.Collections.nCopies(contents.size(),
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        shards.withConnection(key.oid(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT IGNORE INTO " + router.contentTable(key.oid())
                    + " (rpid, oid, type, message, at_mids, ip, platform, device, ctime, mtime) VALUES " + rows)) {
                int i = 1;
                for (ReplyContent content : contents) {
                    ps.setLong(i++, content.rpid());
                    ps.setLong(i++, key.oid());
                    ps.setInt(i++, key.type());
                    ps.setString(i++, content.message());
                    ps.setString(i++, Rows.joinMids(content.atMids()));
                    ps.setString(i++, content.ip());
                    ps.setString(i++, content.platform());
                    ps.setString(i++, content.device());
                    ps.setObject(i++, Rows.utc(content.ctime()));
                    ps.setObject(i++, Rows.utc(now));
                }
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The content of a post that turned out to be invalid: not a comment, so it goes (never the content of one). */
    private void deleteOrphanContent(SubjectKey key, long rpid) {
        shards.withConnection(key.oid(), c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + router.contentTable(key.oid())
                    + " WHERE rpid = ? AND NOT EXISTS (SELECT 1 FROM " + router.indexTable(key.oid())
                    + " WHERE rpid = ?)")) {
                ps.setLong(1, rpid);
                ps.setLong(2, rpid);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static List<Long> fitMids(List<Long> mids) {
        if (mids == null) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        int width = 0;
        for (Long m : mids) {
            if (m == null || out.contains(m)) {
                continue;
            }
            int w = Long.toString(m).length() + (out.isEmpty() ? 0 : 1);
            if (width + w > AT_MIDS_WIDTH) {
                break;
            }
            width += w;
            out.add(m);
        }
        return out;
    }

    private static PlazaError badThread(NewReply r, String why) {
        log.debug("dropping post {} on {}: {}", r.rpid(), r.key().kafkaKey(), why);
        return CommentErrors.badThread("rpid " + r.rpid() + ": " + why);
    }

    // ---------------------------------------------------------------------------------------------------- like / hate

    @Override
    public Optional<ReplyIndex> applyAction(SubjectKey key, long rpid, long mid, int kind, boolean doIt) {
        if (kind != 1 && kind != 2) {
            throw CommentErrors.badParameter("kind", "must be 1 (like) or 2 (hate), was " + kind);
        }
        return shards.inTransaction(key.oid(), c -> {
            ReplyIndex row = selectIndex(c, key, rpid, true);
            if (row == null || !ReplyState.visible(row.state())) {
                return Optional.<ReplyIndex>empty();
            }
            int current = selectAction(c, key, rpid, mid);
            int target = doIt ? kind : (current == kind ? 0 : current);
            if (target == current) {
                return Optional.of(row);
            }
            int like = row.like() - (current == 1 ? 1 : 0) + (target == 1 ? 1 : 0);
            int hate = row.hate() - (current == 2 ? 1 : 0) + (target == 2 ? 1 : 0);
            Instant now = now();
            ReplyIndex after = copy(row, row.count(), row.rcount(), Math.max(0, like), Math.max(0, hate), row.state(),
                    row.attrs());
            updateIndex(c, after, now);
            upsertAction(c, key, rpid, mid, target, now);
            return Optional.of(after);
        });
    }

    // ---------------------------------------------------------------------------------------------------- delete

    @Override
    public Optional<ReplyIndex> applyDelete(SubjectKey key, long rpid) {
        return shards.inTransaction(key.oid(), c -> {
            Subject s = selectSubject(c, key, true);
            if (s == null) {
                return Optional.<ReplyIndex>empty();
            }
            ReplyIndex row = selectIndex(c, key, rpid, true);
            if (row == null || row.state() == ReplyState.DELETED) {
                return Optional.<ReplyIndex>empty();
            }
            Instant now = now();
            Subject after = leaveVisibility(c, s, row, now);
            updateIndex(c, copy(row, row.count(), row.rcount(), row.like(), row.hate(), ReplyState.DELETED,
                    row.attrs() & ~ReplyState.ATTR_PINNED), now);
            updateSubject(c, after);
            return Optional.of(row);
        });
    }

    /**
     * The subject after {@code row} stops being shown (delete or hide): a visible root takes itself and its visible
     * replies out of the counts and is unpinned; a visible reply takes one from its root's rcount (and from the
     * subject's all-count when the root is visible). Updates the root row; returns the subject to write.
     */
    private Subject leaveVisibility(Connection c, Subject s, ReplyIndex row, Instant now) throws SQLException {
        return moveVisibility(c, s, row, -1, now);
    }

    private Subject moveVisibility(Connection c, Subject s, ReplyIndex row, int delta, Instant now) throws SQLException {
        SubjectKey key = s.key();
        boolean counted = ReplyState.visible(row.state());
        int rootCount = s.rootCount();
        int allCount = s.allCount();
        int attrs = s.attrs();
        long top = s.topRpid();
        if (row.isRoot()) {
            if (delta < 0 ? counted : !counted) {
                rootCount += delta;
                allCount += delta * (1 + row.rcount());
            }
            if (delta < 0 && top == row.rpid()) {
                top = 0;
                attrs &= ~SUBJECT_ATTR_HAS_TOP;
            }
        } else if (delta < 0 ? counted : !counted) {
            ReplyIndex rootRow = selectIndex(c, key, row.root(), true);
            if (rootRow != null) {
                updateIndex(c, copy(rootRow, rootRow.count(), Math.max(0, rootRow.rcount() + delta), rootRow.like(),
                        rootRow.hate(), rootRow.state(), rootRow.attrs()), now);
                if (ReplyState.visible(rootRow.state())) {
                    allCount += delta;
                }
            }
        }
        return new Subject(key, s.ownerMid(), s.floorCount(), Math.max(0, rootCount), Math.max(0, allCount),
                s.state(), attrs, top, s.ctime(), now);
    }

    // ---------------------------------------------------------------------------------------------------- pin / close

    @Override
    public Optional<Subject> applyPin(SubjectKey key, long rpid, boolean pinned) {
        return shards.inTransaction(key.oid(), c -> {
            Subject s = selectSubject(c, key, true);
            if (s == null) {
                return Optional.<Subject>empty();
            }
            Instant now = now();
            ReplyIndex row = selectIndex(c, key, rpid, true);
            if (pinned) {
                if (row == null || !row.isRoot() || !ReplyState.visible(row.state())) {
                    return Optional.<Subject>empty();
                }
                if (s.topRpid() == rpid && row.pinned()) {
                    return Optional.of(s);
                }
                if (s.topRpid() != 0 && s.topRpid() != rpid) {
                    ReplyIndex old = selectIndex(c, key, s.topRpid(), true);
                    if (old != null) {
                        setAttrs(c, old, old.attrs() & ~ReplyState.ATTR_PINNED, now);
                    }
                }
                setAttrs(c, row, row.attrs() | ReplyState.ATTR_PINNED, now);
                Subject after = withTop(s, rpid, now);
                updateSubject(c, after);
                return Optional.of(after);
            }
            if (row != null && row.pinned()) {
                setAttrs(c, row, row.attrs() & ~ReplyState.ATTR_PINNED, now);
            }
            if (s.topRpid() != rpid) {
                return Optional.of(s);
            }
            Subject after = withTop(s, 0, now);
            updateSubject(c, after);
            return Optional.of(after);
        });
    }

    @Override
    public Subject applyClose(SubjectKey key, long ownerMid, boolean closed) {
        for (int round = 0; ; round++) {
            Optional<Subject> done = shards.inTransaction(key.oid(), c -> {
                Subject s = selectSubject(c, key, true);
                if (s == null) {
                    return Optional.<Subject>empty();
                }
                int state = closed ? Subject.STATE_CLOSED : Subject.STATE_OPEN;
                long owner = s.ownerMid() == 0 ? ownerMid : s.ownerMid();
                if (s.state() == state && owner == s.ownerMid()) {
                    return Optional.of(s);
                }
                Subject after = new Subject(key, owner, s.floorCount(), s.rootCount(), s.allCount(), state,
                        s.attrs(), s.topRpid(), s.ctime(), now());
                updateSubject(c, after);
                return Optional.of(after);
            });
            if (done.isPresent()) {
                return done.get();
            }
            if (round > 0) {
                throw PlazaError.internal("subject " + key.kafkaKey() + " vanished while closing", null);
            }
            insertSubject(key, ownerMid);
        }
    }

    // ---------------------------------------------------------------------------------------------------- moderate

    @Override
    public Optional<ReplyIndex> applyModerate(SubjectKey key, long rpid, int state) {
        if (state != ReplyState.NORMAL && state != ReplyState.HIDDEN && state != ReplyState.PENDING) {
            throw CommentErrors.badParameter("state", "moderation moves comments between NORMAL (0), HIDDEN (1) "
                    + "and PENDING (3), not to " + state);
        }
        return shards.inTransaction(key.oid(), c -> {
            Subject s = selectSubject(c, key, true);
            if (s == null) {
                return Optional.<ReplyIndex>empty();
            }
            ReplyIndex row = selectIndex(c, key, rpid, true);
            if (row == null || row.state() == ReplyState.DELETED) {
                return Optional.<ReplyIndex>empty();
            }
            if (row.state() == state) {
                return Optional.of(row);
            }
            Instant now = now();
            boolean was = ReplyState.visible(row.state());
            boolean will = ReplyState.visible(state);
            Subject after = s;
            if (was != will) {
                after = moveVisibility(c, s, row, will ? 1 : -1, now);
            }
            int attrs = will ? row.attrs() : row.attrs() & ~ReplyState.ATTR_PINNED;
            ReplyIndex changed = copy(row, row.count(), row.rcount(), row.like(), row.hate(), state, attrs);
            updateIndex(c, changed, now);
            if (after != s) {
                updateSubject(c, after);
            }
            return Optional.of(changed);
        });
    }

    // ---------------------------------------------------------------------------------------------------- subject

    @Override
    public Subject ensureSubject(SubjectKey key, long ownerMid) {
        insertSubject(key, ownerMid);
        return shards.inTransaction(key.oid(), c -> {
            Subject s = selectSubject(c, key, true);
            if (s == null) {
                throw PlazaError.internal("subject " + key.kafkaKey() + " missing after insert", null);
            }
            if (s.ownerMid() != 0 || ownerMid == 0) {
                return s;
            }
            Subject after = new Subject(key, ownerMid, s.floorCount(), s.rootCount(), s.allCount(), s.state(),
                    s.attrs(), s.topRpid(), s.ctime(), now());
            updateSubject(c, after);
            return after;
        });
    }

    /** Creates the subject row unless it exists; in auto-commit, so concurrent creators never deadlock. */
    private void insertSubject(SubjectKey key, long ownerMid) {
        Instant now = now();
        shards.withConnection(key.oid(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT IGNORE INTO " + router.subjectTable(key.oid())
                    + " (oid, type, mid, `count`, root_count, all_count, state, attrs, top_rpid, ctime, mtime) "
                    + "VALUES (?, ?, ?, 0, 0, 0, 0, 0, 0, ?, ?)")) {
                ps.setLong(1, key.oid());
                ps.setInt(2, key.type());
                ps.setLong(3, ownerMid);
                ps.setObject(4, Rows.utc(now));
                ps.setObject(5, Rows.utc(now));
                ps.executeUpdate();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------------------------------------------- rows

    private Subject selectSubject(Connection c, SubjectKey key, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.SUBJECT_COLS + " FROM "
                + router.subjectTable(key.oid()) + " WHERE oid = ? AND type = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setLong(1, key.oid());
            ps.setInt(2, key.type());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Rows.subject(rs) : null;
            }
        }
    }

    private void updateSubject(Connection c, Subject s) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + router.subjectTable(s.key().oid())
                + " SET mid = ?, `count` = ?, root_count = ?, all_count = ?, state = ?, attrs = ?, top_rpid = ?, "
                + "mtime = ? WHERE oid = ? AND type = ?")) {
            ps.setLong(1, s.ownerMid());
            ps.setInt(2, s.floorCount());
            ps.setInt(3, s.rootCount());
            ps.setInt(4, s.allCount());
            ps.setInt(5, s.state());
            ps.setInt(6, s.attrs());
            ps.setLong(7, s.topRpid());
            ps.setObject(8, Rows.utc(s.mtime()));
            ps.setLong(9, s.key().oid());
            ps.setInt(10, s.key().type());
            ps.executeUpdate();
        }
    }

    /** The comment {@code rpid} of this subject, or null (also when the rpid belongs to another subject). */
    private ReplyIndex selectIndex(Connection c, SubjectKey key, long rpid, boolean forUpdate) throws SQLException {
        ReplyIndex row = selectRow(c, key.oid(), rpid, forUpdate);
        return row != null && row.key().equals(key) ? row : null;
    }

    /** The row under {@code rpid} in the index table of {@code oid}, whatever subject it belongs to. */
    private ReplyIndex selectIndexOfAnySubject(Connection c, long oid, long rpid) throws SQLException {
        return selectRow(c, oid, rpid, false);
    }

    private ReplyIndex selectRow(Connection c, long oid, long rpid, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.INDEX_COLS + " FROM "
                + router.indexTable(oid) + " WHERE rpid = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setLong(1, rpid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Rows.index(rs) : null;
            }
        }
    }

    private ReplyContent selectContent(Connection c, SubjectKey key, long rpid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + Rows.CONTENT_COLS + " FROM "
                + router.contentTable(key.oid()) + " WHERE rpid = ?")) {
            ps.setLong(1, rpid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Rows.content(rs) : null;
            }
        }
    }

    private void insertIndex(Connection c, ReplyIndex r, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + router.indexTable(r.key().oid())
                + " (" + Rows.INDEX_COLS + ", mtime) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, r.rpid());
            ps.setLong(2, r.key().oid());
            ps.setInt(3, r.key().type());
            ps.setLong(4, r.mid());
            ps.setLong(5, r.root());
            ps.setLong(6, r.parent());
            ps.setLong(7, r.dialog());
            ps.setInt(8, r.floor());
            ps.setInt(9, r.count());
            ps.setInt(10, r.rcount());
            ps.setInt(11, r.like());
            ps.setInt(12, r.hate());
            ps.setInt(13, r.state());
            ps.setInt(14, r.attrs());
            ps.setObject(15, Rows.utc(r.ctime()));
            ps.setObject(16, Rows.utc(now));
            ps.executeUpdate();
        }
    }

    private void updateIndex(Connection c, ReplyIndex r, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + router.indexTable(r.key().oid())
                + " SET `count` = ?, rcount = ?, `like` = ?, hate = ?, state = ?, attrs = ?, mtime = ? WHERE rpid = ?")) {
            ps.setInt(1, r.count());
            ps.setInt(2, r.rcount());
            ps.setInt(3, r.like());
            ps.setInt(4, r.hate());
            ps.setInt(5, r.state());
            ps.setInt(6, r.attrs());
            ps.setObject(7, Rows.utc(now));
            ps.setLong(8, r.rpid());
            ps.executeUpdate();
        }
    }

    private void setAttrs(Connection c, ReplyIndex r, int attrs, Instant now) throws SQLException {
        if (attrs != r.attrs()) {
            updateIndex(c, copy(r, r.count(), r.rcount(), r.like(), r.hate(), r.state(), attrs), now);
        }
    }

    private int selectAction(Connection c, SubjectKey key, long rpid, long mid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT action FROM " + router.actionTable(key.oid())
                + " WHERE rpid = ? AND mid = ? FOR UPDATE")) {
            ps.setLong(1, rpid);
            ps.setLong(2, mid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    private void upsertAction(Connection c, SubjectKey key, long rpid, long mid, int action, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + router.actionTable(key.oid())
                + " (rpid, mid, oid, type, action, ctime, mtime) VALUES (?, ?, ?, ?, ?, ?, ?) "
                + "ON DUPLICATE KEY UPDATE action = VALUES(action), mtime = VALUES(mtime)")) {
            ps.setLong(1, rpid);
            ps.setLong(2, mid);
            ps.setLong(3, key.oid());
            ps.setInt(4, key.type());
            ps.setInt(5, action);
            ps.setObject(6, Rows.utc(now));
            ps.setObject(7, Rows.utc(now));
            ps.executeUpdate();
        }
    }

    private static ReplyIndex copy(ReplyIndex r, int count, int rcount, int like, int hate, int state, int attrs) {
        return new ReplyIndex(r.rpid(), r.key(), r.mid(), r.root(), r.parent(), r.dialog(), r.floor(), count, rcount,
                like, hate, state, attrs, r.ctime());
    }

    private static Subject withTop(Subject s, long top, Instant now) {
        int attrs = top == 0 ? s.attrs() & ~SUBJECT_ATTR_HAS_TOP : s.attrs() | SUBJECT_ATTR_HAS_TOP;
        return new Subject(s.key(), s.ownerMid(), s.floorCount(), s.rootCount(), s.allCount(), s.state(), attrs, top,
                s.ctime(), now);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }
}
