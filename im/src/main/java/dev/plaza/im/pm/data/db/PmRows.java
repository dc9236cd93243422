package dev.plaza.im.pm.data.db;

import dev.plaza.im.pm.biz.PrivateMessage;
import dev.plaza.im.pm.biz.Session;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Reading private-message and session rows; the column lists go with the readers, so they cannot drift apart. */
final class PmRows {
    /** The columns {@link #message} reads, in its order. */
    static final String MSG_COLS = "msg_key, sender_mid, receiver_mid, msg_type, content, seqno, ts, status";

    /** The columns {@link #session} reads, in its order. */
    static final String SESSION_COLS = "owner_mid, talker_mid, unread, ack_seqno, max_seqno, ts_us, ack_ts_us, "
            + "last_msg_key, last_sender, last_receiver, last_msg_type, last_content, last_seqno, last_ts, last_status";

    private PmRows() {
    }

    static PrivateMessage message(ResultSet rs) throws SQLException {
        return new PrivateMessage(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getString(5),
                rs.getLong(6), rs.getLong(7), rs.getInt(8));
    }

    /** A session row; its newest message is null when {@code last_msg_key} is 0 (none). */
    static Session session(ResultSet rs) throws SQLException {
        long lastKey = rs.getLong(8);
        PrivateMessage last = lastKey == 0 ? null : new PrivateMessage(lastKey, rs.getLong(9), rs.getLong(10),
                rs.getInt(11), rs.getString(12), rs.getLong(13), rs.getLong(14), rs.getInt(15));
        return new Session(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
                rs.getLong(7), last);
    }
}
