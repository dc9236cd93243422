package dev.plaza.im.pm.data.db;

import dev.plaza.im.pm.biz.PrivateMessage;
import dev.plaza.im.pm.biz.Session;
import dev.plaza.im.pm.biz.SessionStore;
import dev.plaza.kit.db.TableShards;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link SessionStore} on the {@code pm_session_NN} tables, split by the owner's mid, so a user's list is one indexed
 * read of one table. Every write is one auto-commit statement that is safe to run again: {@link #apply} changes a row
 * only for a newer seqno, {@link #ack} only while the session is as the caller saw it.
 */
public final class ShardedSessionStore implements SessionStore {
    /**
     * Changes the stored row only when the incoming message is newer than the one it holds. {@code max_seqno} is
     * assigned last, because MySQL and MariaDB evaluate the assignments left to right and later ones see the values
     * set by earlier ones: so every condition before it still compares with the stored {@code max_seqno}. A
     * redelivered or older message leaves the row untouched, which the driver (with {@code useAffectedRows}, set by
     * {@link PmShards}) reports as 0 rows.
     */
    private static final String NEWER = "IF(VALUES(max_seqno) > max_seqno, ";
    private static final String APPLY = " (owner_mid, talker_mid, unread, ack_seqno, max_seqno, ts_us, ack_ts_us, "
            + "last_msg_key, last_sender, last_receiver, last_msg_type, last_content, last_seqno, last_ts, last_status)"
            + " VALUES (?, ?, ?, 0, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
            + "unread = " + NEWER + "GREATEST(0, unread + IF(? > ack_seqno, ?, 0)), unread), "
            + "ts_us = " + NEWER + "VALUES(ts_us), ts_us), "
            + "last_msg_key = " + NEWER + "VALUES(last_msg_key), last_msg_key), "
            + "last_sender = " + NEWER + "VALUES(last_sender), last_sender), "
            + "last_receiver = " + NEWER + "VALUES(last_receiver), last_receiver), "
            + "last_msg_type = " + NEWER + "VALUES(last_msg_type), last_msg_type), "
            + "last_content = " + NEWER + "VALUES(last_content), last_content), "
            + "last_seqno = " + NEWER + "VALUES(last_seqno), last_seqno), "
            + "last_ts = " + NEWER + "VALUES(last_ts), last_ts), "
            + "last_status = " + NEWER + "VALUES(last_status), last_status), "
            + "max_seqno = " + NEWER + "VALUES(max_seqno), max_seqno)";

    private final PmShards shards;
    private final TableShards router;

    public ShardedSessionStore(PmShards shards) {
        this.shards = Objects.requireNonNull(shards, "shards");
        this.router = shards.router();
    }

    /**
     * One {@code INSERT ... ON DUPLICATE KEY UPDATE}. A new session starts with the message as its newest, read up
     * to 0, and {@code max(0, unreadDelta)} unread. The session time is the message's time in microseconds
     * (Bilibili's {@code session_ts}).
     */
    @Override
    public boolean apply(long owner, long talker, PrivateMessage m, int unreadDelta, long unreadSeqno) {
        requireMids(owner, talker);
        if (m.seqno() < 1) {
            throw new IllegalArgumentException("only a stored message (seqno >= 1) can be applied, got " + m.seqno());
        }
        String sql = "INSERT INTO " + table(owner) + APPLY;
        return shards.withConnection(router.database(owner), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int p = 1;
                ps.setLong(p++, owner);
                ps.setLong(p++, talker);
                ps.setInt(p++, unreadSeqno > 0 ? Math.max(0, unreadDelta) : 0);
                ps.setLong(p++, m.seqno());
                ps.setLong(p++, Session.tsMicrosOf(m));
                ps.setLong(p++, m.msgKey());
                ps.setLong(p++, m.senderMid());
                ps.setLong(p++, m.receiverMid());
                ps.setInt(p++, m.msgType());
                ps.setString(p++, m.content() == null ? "" : m.content());
                ps.setLong(p++, m.seqno());
                ps.setLong(p++, m.tsMillis());
                ps.setInt(p++, m.status());
                ps.setLong(p++, unreadSeqno);
                ps.setInt(p, unreadDelta);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Optional<Session> get(long owner, long talker) {
        requireMids(owner, talker);
        return shards.withConnection(router.database(owner), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + PmRows.SESSION_COLS + " FROM " + table(owner)
                    + " WHERE owner_mid = ? AND talker_mid = ?")) {
                ps.setLong(1, owner);
                ps.setLong(2, talker);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(PmRows.session(rs)) : Optional.<Session>empty();
                }
            }
        });
    }

    /**
     * One conditional {@code UPDATE}. With affected rows (not found rows), an update that matched but changed nothing
     * (the same ack again within the same microsecond) reports 0; then a read tells "already so" (true) from "the
     * session moved on or is missing" (false).
     */
    @Override
    public boolean ack(long owner, long talker, long ackSeqno, int unread, long expectedMaxSeqno, long ackTsMicros) {
        requireMids(owner, talker);
        String table = table(owner);
        return shards.withConnection(router.database(owner), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET ack_seqno = GREATEST(ack_seqno, ?),"
                    + " unread = ?, ack_ts_us = ? WHERE owner_mid = ? AND talker_mid = ? AND max_seqno = ?")) {
                ps.setLong(1, ackSeqno);
                ps.setInt(2, Math.max(0, unread));
                ps.setLong(3, ackTsMicros);
                ps.setLong(4, owner);
                ps.setLong(5, talker);
                ps.setLong(6, expectedMaxSeqno);
                if (ps.executeUpdate() > 0) {
                    return true;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table
                    + " WHERE owner_mid = ? AND talker_mid = ? AND max_seqno = ?")) {
                ps.setLong(1, owner);
                ps.setLong(2, talker);
                ps.setLong(3, expectedMaxSeqno);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Served by {@code ix_owner_ts}, backwards: newest first, ties in time by talker (descending). */
    @Override
    public List<Session> list(long owner, long beforeTsMicros, int limit) {
        if (owner <= 0) {
            throw new IllegalArgumentException("owner must be a positive mid, was " + owner);
        }
        if (limit <= 0) {
            return List.of();
        }
        return shards.withConnection(router.database(owner), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + PmRows.SESSION_COLS + " FROM " + table(owner)
                    + " WHERE owner_mid = ? AND ts_us < ? ORDER BY ts_us DESC, talker_mid DESC LIMIT ?")) {
                ps.setLong(1, owner);
                ps.setLong(2, beforeTsMicros);
                ps.setInt(3, limit);
                List<Session> out = new ArrayList<>(Math.min(limit, 100));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(PmRows.session(rs));
                    }
                }
                return out;
            }
        });
    }

    private String table(long owner) {
        return router.tableName(PmTables.SESSION, owner);
    }

    private static void requireMids(long owner, long talker) {
        if (owner <= 0 || talker <= 0) {
            throw new IllegalArgumentException("owner and talker must be positive mids, were " + owner + " and "
                    + talker);
        }
    }
}
