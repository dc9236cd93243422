package dev.plaza.history.data.db;

import dev.plaza.history.biz.Business;
import dev.plaza.history.biz.HistoryKey;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.history.biz.Kid;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Column list, row mapping and the stored business numbers of the {@code history_NN} tables. */
final class HistoryRows {
    static final String COLS = "mid, business, oid, cid, progress, platform, view_at";
    static final int PLATFORM_WIDTH = 32;

    private HistoryRows() {
    }

    /**
     * The stored number of a business. Fixed here, not {@link Enum#ordinal()}, so reordering or adding to
     * {@link Business} never changes what the existing rows mean; a new business gets the next unused number.
     */
    static int businessCode(Business b) {
        return switch (b) {
            case ARCHIVE -> 1;
            case PGC -> 2;
            case LIVE -> 3;
            case ARTICLE -> 4;
        };
    }

    /** The business of a stored number, or null for one this version does not know (written by a newer one). */
    static Business business(int code) {
        return switch (code) {
            case 1 -> Business.ARCHIVE;
            case 2 -> Business.PGC;
            case 3 -> Business.LIVE;
            case 4 -> Business.ARTICLE;
            default -> null;
        };
    }

    /** The record of the current row ({@link #COLS} order), or null when its business is unknown here. */
    static HistoryRecord record(ResultSet rs) throws SQLException {
        Business b = business(rs.getInt(2));
        if (b == null) {
            return null;
        }
        HistoryKey key = new HistoryKey(rs.getLong(1), new Kid(b, rs.getLong(3)));
        return new HistoryRecord(key, rs.getLong(4), rs.getLong(5), rs.getString(6), rs.getLong(7));
    }

    /**
     * The platform as stored: trailing blanks dropped (a PAD SPACE collation would compare {@code "web "} equal to
     * {@code "web"}) and cut to the column's width, without splitting a surrogate pair, so a long client string
     * cannot fail a whole batch.
     */
    static String platform(String s) {
        String p = s == null ? "" : s.stripTrailing();
        if (p.length() <= PLATFORM_WIDTH) {
            return p;
        }
        int end = Character.isHighSurrogate(p.charAt(PLATFORM_WIDTH - 1)) ? PLATFORM_WIDTH - 1 : PLATFORM_WIDTH;
        return p.substring(0, end);
    }
}
