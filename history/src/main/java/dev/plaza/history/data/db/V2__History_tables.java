package dev.plaza.history.data.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Creates this database's share of the {@code history_NN} tables (those whose number {@code % databases ==
 * database}) and records the layout in {@code history_shards}. A Java migration because SQL cannot loop over a count
 * that comes from configuration; later schema changes to these tables are Java migrations too, looping over the same
 * {@link HistoryRouter#tablesIn}.
 */
public final class V2__History_tables extends BaseJavaMigration {
    private final HistoryRouter router;
    private final int database;

    public V2__History_tables(HistoryRouter router, int database) {
        this.router = router;
        this.database = database;
    }

    /** The layout rows of {@code history_shards} for database {@code database}. */
    static Map<String, Integer> layout(HistoryRouter router, int database) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("databases", router.databases());
        m.put("database", database);
        m.put("tables", router.tables());
        return m;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement st = c.createStatement()) {
            for (int n : router.tablesIn(database)) {
                st.execute(ddl(HistoryRouter.name(n)));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("REPLACE INTO history_shards (name, value) VALUES (?, ?)")) {
            for (Map.Entry<String, Integer> e : layout(router, database).entrySet()) {
                ps.setString(1, e.getKey());
                ps.setInt(2, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * One row per (user, thing watched), the latest report only. {@code ix_mid_view_at} serves the "newest first"
     * list and its cursor; it names the primary key columns after {@code view_at} (InnoDB stores them in every
     * secondary index anyway, so this costs nothing there) so ties in {@code view_at} have one order on MariaDB,
     * MySQL and TiDB alike, and the business filter is checked on the index entries. {@code ix_view_at} lets the
     * retention purge find old rows without scanning the table. Times are Unix milliseconds, as the API has them;
     * {@code mtime} (UTC, set by the database) is for operators: when the row last changed.
     */
    static String ddl(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "mid BIGINT NOT NULL,"
                + "business TINYINT NOT NULL COMMENT '1 archive, 2 pgc, 3 live, 4 article (HistoryRows.businessCode)',"
                + "oid BIGINT NOT NULL COMMENT 'the id in its business: the kid is business_oid',"
                + "cid BIGINT NOT NULL DEFAULT 0 COMMENT 'the part being played, 0 when none',"
                + "progress BIGINT NOT NULL DEFAULT 0 COMMENT 'seconds into the part, -1 finished',"
                + "platform VARCHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',"
                + "view_at BIGINT NOT NULL COMMENT 'Unix ms of the report',"
                + "mtime DATETIME(3) NOT NULL COMMENT 'UTC, when the row last changed',"
                + "PRIMARY KEY (mid, business, oid),"
                + "KEY ix_mid_view_at (mid, view_at, business, oid),"
                + "KEY ix_view_at (view_at)"
                + ") ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci";
    }
}
