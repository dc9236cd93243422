package dev.plaza.comment.data.search;

import dev.plaza.comment.admin.ReplyLookup;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.comment.data.db.CommentShards;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** Reads one comment's index row, in any state, from its shard. */
public final class JdbcReplyLookup implements ReplyLookup {
    private static final String COLS = "rpid, oid, type, mid, root, parent, dialog, `floor`, `count`, rcount, `like`, "
            + "hate, state, attrs, ctime";

    private final CommentShards shards;

    public JdbcReplyLookup(CommentShards shards) {
        this.shards = shards;
    }

    @Override
    public Optional<ReplyIndex> find(SubjectKey key, long rpid) {
        String table = shards.router().indexTable(key.oid());
        return shards.withConnection(key.oid(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLS + " FROM " + table
                    + " WHERE rpid = ? AND oid = ? AND type = ?")) {
                ps.setLong(1, rpid);
                ps.setLong(2, key.oid());
                ps.setInt(3, key.type());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    LocalDateTime t = rs.getObject(15, LocalDateTime.class);
                    Instant ctime = t == null ? Instant.EPOCH : t.toInstant(ZoneOffset.UTC);
                    return Optional.of(new ReplyIndex(rs.getLong(1), key, rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7), rs.getInt(8), rs.getInt(9), rs.getInt(10), rs.getInt(11),
                            rs.getInt(12), rs.getInt(13), rs.getInt(14), ctime));
                }
            }
        });
    }
}
