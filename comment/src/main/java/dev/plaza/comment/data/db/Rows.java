package dev.plaza.comment.data.db;

import dev.plaza.comment.biz.ReplyContent;
import dev.plaza.comment.biz.ReplyIndex;
import dev.plaza.comment.biz.Subject;
import dev.plaza.comment.biz.SubjectKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** Column lists and row mapping shared by the store and the read repo. Times are UTC {@code DATETIME(3)}. */
final class Rows {
    static final String SUBJECT_COLS = "oid, type, mid, `count`, root_count, all_count, state, attrs, top_rpid, ctime, mtime";
    static final String INDEX_COLS = "rpid, oid, type, mid, root, parent, dialog, `floor`, `count`, rcount, `like`, hate, "
            + "state, attrs, ctime";
    static final String CONTENT_COLS = "rpid, message, at_mids, ip, platform, device, ctime";

    private Rows() {
    }

    static Subject subject(ResultSet rs) throws SQLException {
        return new Subject(new SubjectKey(rs.getInt(2), rs.getLong(1)), rs.getLong(3), rs.getInt(4), rs.getInt(5),
                rs.getInt(6), rs.getInt(7), rs.getInt(8), rs.getLong(9), instant(rs, 10), instant(rs, 11));
    }

    static ReplyIndex index(ResultSet rs) throws SQLException {
        return new ReplyIndex(rs.getLong(1), new SubjectKey(rs.getInt(3), rs.getLong(2)), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), rs.getLong(7), rs.getInt(8), rs.getInt(9), rs.getInt(10), rs.getInt(11), rs.getInt(12),
                rs.getInt(13), rs.getInt(14), instant(rs, 15));
    }

    static ReplyContent content(ResultSet rs) throws SQLException {
        return new ReplyContent(rs.getLong(1), rs.getString(2), parseMids(rs.getString(3)), rs.getString(4),
                rs.getString(5), rs.getString(6), instant(rs, 7));
    }

    static List<ReplyIndex> indexes(PreparedStatement ps) throws SQLException {
        List<ReplyIndex> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(index(rs));
            }
        }
        return out;
    }

    static LocalDateTime utc(Instant t) {
        return LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    static Instant instant(ResultSet rs, int col) throws SQLException {
        LocalDateTime t = rs.getObject(col, LocalDateTime.class);
        return t == null ? Instant.EPOCH : t.toInstant(ZoneOffset.UTC);
    }

    static String joinMids(List<Long> mids) {
        return mids == null ? "" : mids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    static List<Long> parseMids(String s) {
        if (s == null || s.isBlank()) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        for (String part : s.split(",")) {
            String p = part.trim();
            if (!p.isEmpty()) {
                out.add(Long.parseLong(p));
            }
        }
        return out;
    }

    static String marks(Collection<?> values) {
        return values.stream().map(v -> "?").collect(Collectors.joining(","));
    }

    /** A string column that may not be null; trimmed to its width so a long client header cannot fail a post. */
    static String text(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max);
    }
}
