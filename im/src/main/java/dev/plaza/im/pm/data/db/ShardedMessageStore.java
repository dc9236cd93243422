package dev.plaza.im.pm.data.db;

import dev.plaza.im.pm.biz.ConversationId;
import dev.plaza.im.pm.biz.MessageStore;
import dev.plaza.im.pm.biz.NewMessage;
import dev.plaza.im.pm.biz.PrivateMessage;
import dev.plaza.kit.db.TableShards;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link MessageStore} on the {@code pm_msg_NN} and {@code pm_conv_NN} tables, both split by the conversation's
 * {@link ConversationId#shardKey() shard key} with the same table number, so a conversation's messages and its counter
 * row are in one database and a write is one local transaction.
 *
 * <p>Numbering: an append first bumps the counter row ({@code INSERT ... ON DUPLICATE KEY UPDATE}), which takes its
 * row lock until commit, then reads the new value and inserts the message. Concurrent appends to one conversation thus
 * queue on that lock and commit in seqno order; a failed transaction rolls its bump back, so seqnos have no gaps.
 * Recalls take the same lock first, so the two never deadlock on each other.
 */
public final class ShardedMessageStore implements MessageStore {
    private final PmShards shards;
    private final TableShards router;
    private final Clock clock;

    /**
     * @param clock stamps the counter row's {@code mtime} at each append, and is "now" for the
     *              {@link #undelivered} sweep; the same clock for both, so the quiet time means what it says
     */
    public ShardedMessageStore(PmShards shards, Clock clock) {
        this.shards = Objects.requireNonNull(shards, "shards");
        this.router = shards.router();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ------------------------------------------------------------------------------------------------ writes

    @Override
    public PrivateMessage append(NewMessage m) {
        ConversationId conv = m.conversation();
        int table = router.table(conv.shardKey());
        long now = clock.millis();
        long seqno = shards.inTransaction(router.databaseOfTable(table), c -> {
            long next = bumpCounter(c, table, conv, now);
            insert(c, table, conv, m, next);
            return next;
        });
        return m.stored(seqno);
    }

    @Override
    public Optional<PrivateMessage> recall(ConversationId conv, long original, NewMessage notice) {
        if (!notice.conversation().equals(conv)) {
            throw new IllegalArgumentException("the recall notice is in " + notice.conversation() + ", not " + conv);
        }
        int table = router.table(conv.shardKey());
        long now = clock.millis();
        return shards.inTransaction(router.databaseOfTable(table), c -> {
            long max = lockCounter(c, table, conv);
            long next = max + 1;
            if (max < 0 || !markRecalled(c, table, conv, original, next)) {
                c.rollback(); // nothing written; releases the counter lock at once
                return Optional.<PrivateMessage>empty();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + conv(table)
                    + " SET max_seqno = ?, mtime = ? WHERE lo_mid = ? AND hi_mid = ?")) {
                ps.setLong(1, next);
                ps.setLong(2, now);
                ps.setLong(3, conv.lo());
                ps.setLong(4, conv.hi());
                ps.executeUpdate();
            }
            insert(c, table, conv, notice, next);
            return Optional.of(notice.stored(next));
        });
    }

    /**
     * Takes the next seqno: a new conversation's row starts at 1, an existing one's counter moves up by one. Both
     * leave the row locked for the rest of the transaction.
     */
    private static long bumpCounter(Connection c, int table, ConversationId conv, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + conv(table)
                + " (lo_mid, hi_mid, max_seqno, delivered_seqno, mtime) VALUES (?, ?, 1, 0, ?)"
                + " ON DUPLICATE KEY UPDATE max_seqno = max_seqno + 1, mtime = VALUES(mtime)")) {
            ps.setLong(1, conv.lo());
            ps.setLong(2, conv.hi());
            ps.setLong(3, now);
            ps.executeUpdate();
        }
        // our own locked row: no other transaction can have moved it since the bump
        long max = counter(c, table, conv, "max_seqno", "");
        if (max < 1) {
            throw new IllegalStateException("the counter of " + conv + " vanished inside its own transaction");
        }
        return max;
    }

    /** The counter, locked until commit; -1 when the conversation has no row (no message ever stored). */
    private static long lockCounter(Connection c, int table, ConversationId conv) throws SQLException {
        return counter(c, table, conv, "max_seqno", " FOR UPDATE");
    }

    /**
     * Marks the original recalled by the notice at {@code noticeSeqno} if it is in this conversation and still
     * normal; false otherwise.
     */
    private static boolean markRecalled(Connection c, int table, ConversationId conv, long msgKey, long noticeSeqno)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + msg(table) + " SET status = "
                + PrivateMessage.STATUS_RECALLED + ", recalled_seqno = ? WHERE msg_key = ? AND lo_mid = ? AND hi_mid = ?"
                + " AND status = " + PrivateMessage.STATUS_NORMAL)) {
            ps.setLong(1, noticeSeqno);
            ps.setLong(2, msgKey);
            ps.setLong(3, conv.lo());
            ps.setLong(4, conv.hi());
            return ps.executeUpdate() > 0;
        }
    }

    private static void insert(Connection c, int table, ConversationId conv, NewMessage m, long seqno)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + msg(table) + " (lo_mid, hi_mid, seqno, "
                + "msg_key, sender_mid, receiver_mid, msg_type, content, ts, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                + PrivateMessage.STATUS_NORMAL + ")")) {
            ps.setLong(1, conv.lo());
            ps.setLong(2, conv.hi());
            ps.setLong(3, seqno);
            ps.setLong(4, m.msgKey());
            ps.setLong(5, m.senderMid());
            ps.setLong(6, m.receiverMid());
            ps.setInt(7, m.msgType());
            ps.setString(8, m.content() == null ? "" : m.content());
            ps.setLong(9, m.tsMillis());
            ps.executeUpdate();
        }
    }

    // ------------------------------------------------------------------------------------------------- reads

    @Override
    public Optional<PrivateMessage> byKey(ConversationId conv, long msgKey) {
        List<PrivateMessage> found = messages(conv, " AND msg_key = ?", msgKey, 1);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    @Override
    public List<PrivateMessage> after(ConversationId conv, long afterSeqno, int limit) {
        return messages(conv, " AND seqno > ? ORDER BY seqno ASC", afterSeqno, limit);
    }

    @Override
    public List<PrivateMessage> before(ConversationId conv, long beforeSeqno, int limit) {
        return messages(conv, " AND seqno < ? ORDER BY seqno DESC", beforeSeqno, limit);
    }

    /** The conversation's messages matching {@code condition} (one {@code ?}, bound to {@code arg}), a range read. */
    private List<PrivateMessage> messages(ConversationId conv, String condition, long arg, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        int table = router.table(conv.shardKey());
        String sql = "SELECT " + PmRows.MSG_COLS + " FROM " + msg(table) + " WHERE lo_mid = ? AND hi_mid = ?"
                + condition + " LIMIT ?";
        return shards.withConnection(router.databaseOfTable(table), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setLong(1, conv.lo());
                ps.setLong(2, conv.hi());
                ps.setLong(3, arg);
                ps.setInt(4, limit);
                List<PrivateMessage> out = new ArrayList<>(Math.min(limit, 100));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(PmRows.message(rs));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public long maxSeqno(ConversationId conv) {
        return Math.max(0, counter(conv, "max_seqno"));
    }

    /**
     * Counts the sender's text messages after {@code afterSeqno} that are not recalled: the same messages the
     * sessions count, where a recall of an unread message takes one off ({@link ShardedSessionStore#apply}).
     */
    @Override
    public int countUnread(ConversationId conv, long senderMid, long afterSeqno, long throughSeqno) {
        int table = router.table(conv.shardKey());
        return shards.withConnection(router.databaseOfTable(table), c -> {
            // a recalled message still counts when its recall notice lies beyond throughSeqno: the session has not
            // had that notice's -1 yet
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + msg(table)
                    + " WHERE lo_mid = ? AND hi_mid = ? AND seqno > ? AND seqno <= ? AND sender_mid = ? AND msg_type <> "
                    + PrivateMessage.TYPE_RECALL + " AND (status = " + PrivateMessage.STATUS_NORMAL
                    + " OR recalled_seqno > ?)")) {
                ps.setLong(1, conv.lo());
                ps.setLong(2, conv.hi());
                ps.setLong(3, afterSeqno);
                ps.setLong(4, throughSeqno);
                ps.setLong(5, senderMid);
                ps.setLong(6, throughSeqno);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    // -------------------------------------------------------------------------------------------- delivery

    @Override
    public long deliveredSeqno(ConversationId conv) {
        return Math.max(0, counter(conv, "delivered_seqno"));
    }

    /** Never moves back: a slow worker finishing an old step after a faster one leaves the cursor where it is. */
    @Override
    public void markDelivered(ConversationId conv, long seqno) {
        int table = router.table(conv.shardKey());
        shards.withConnection(router.databaseOfTable(table), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + conv(table)
                    + " SET delivered_seqno = ? WHERE lo_mid = ? AND hi_mid = ? AND delivered_seqno < ?")) {
                ps.setLong(1, seqno);
                ps.setLong(2, conv.lo());
                ps.setLong(3, conv.hi());
                ps.setLong(4, seqno);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Reads {@code ix_lagging_mtime} of every counter table, oldest change first: only conversations whose cursor lags
     * are in that index range, so the sweep costs what is undelivered, not what was ever said.
     */
    @Override
    public List<ConversationId> undelivered(long quietMillis, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        long changedBefore = clock.millis() - Math.max(0, quietMillis);
        List<ConversationId> out = new ArrayList<>();
        for (int db = 0; db < router.databases(); db++) {
            List<Integer> tables = router.tablesIn(db);
            out.addAll(shards.withConnection(db, c -> {
                List<ConversationId> found = new ArrayList<>();
                for (int table : tables) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT lo_mid, hi_mid FROM " + conv(table)
                            + " WHERE lagging = 1 AND mtime < ? ORDER BY mtime LIMIT ?")) {
                        ps.setLong(1, changedBefore);
                        ps.setInt(2, limit);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                found.add(new ConversationId(rs.getLong(1), rs.getLong(2)));
                            }
                        }
                    }
                }
                return found;
            }));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** One column of the conversation's counter row; -1 when it has none. */
    private long counter(ConversationId conv, String column) {
        int table = router.table(conv.shardKey());
        return shards.withConnection(router.databaseOfTable(table), c -> counter(c, table, conv, column, ""));
    }

    private static long counter(Connection c, int table, ConversationId conv, String column, String suffix)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM " + conv(table)
                + " WHERE lo_mid = ? AND hi_mid = ?" + suffix)) {
            ps.setLong(1, conv.lo());
            ps.setLong(2, conv.hi());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private static String msg(int table) {
        return TableShards.name(PmTables.MSG, table);
    }

    private static String conv(int table) {
        return TableShards.name(PmTables.CONV, table);
    }
}
