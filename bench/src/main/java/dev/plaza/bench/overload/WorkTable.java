package dev.plaza.bench.overload;

import dev.plaza.kit.db.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The database half of the work route: an indexed range read that touches {@value #ROWS_PER_GROUP} rows scattered
 * over the clustered index. {@code grp = id % GROUPS}, so the rows of one group are {@value #GROUPS} ids apart: the
 * secondary index on {@code grp} finds them in one range, and each row is a separate primary-key lookup for
 * {@code val} and {@code pad}. All of it fits the buffer pool, so the cost is MariaDB's CPU, not the disk: the same
 * cores the server and the load generator use, which is the point on a small machine.
 */
final class WorkTable {
    static final int GROUPS = 2000;
    static final int ROWS_PER_GROUP = 100;
    private static final String TABLE = "overload_items";
    private static final String QUERY = "SELECT COUNT(*), SUM(val), MAX(pad) FROM " + TABLE + " WHERE grp = ?";

    private WorkTable() {
    }

    /** Creates and fills the table unless it is already full (reruns skip the seeding). */
    static void ensureSeeded(Database db) {
        db.withConnection(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id BIGINT PRIMARY KEY, grp INT NOT NULL, "
                        + "val INT NOT NULL, pad CHAR(100) NOT NULL, KEY by_grp (grp)) ENGINE=InnoDB");
                long rows = count(s);
                long want = (long) GROUPS * ROWS_PER_GROUP;
                if (rows != want) {
                    s.execute("TRUNCATE TABLE " + TABLE);
                    // MariaDB's Sequence engine: one statement instead of 200k round trips
                    s.execute("INSERT INTO " + TABLE + " SELECT seq, seq % " + GROUPS + ", seq * 7919 % 1000, "
                            + "LPAD(seq, 100, 'x') FROM seq_1_to_" + want);
                }
                s.execute("ANALYZE TABLE " + TABLE);
            }
            return null;
        });
    }

    /** One range read over a random group; returns the sum so nothing is optimized away. */
    static long read(Database db) {
        int group = ThreadLocalRandom.current().nextInt(GROUPS);
        return db.withConnection(c -> query(c, group));
    }

    private static long query(Connection c, int group) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement(QUERY)) {
            ps.setInt(1, group);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(2);
            }
        }
    }

    private static long count(Statement s) throws java.sql.SQLException {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
