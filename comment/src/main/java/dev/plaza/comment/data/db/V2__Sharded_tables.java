package dev.plaza.comment.data.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Creates this database's share of the numbered comment tables (those whose number {@code % databases == database})
 * for the configured counts, and records the layout in {@code comment_shards}. A Java migration because SQL cannot
 * loop over a count that comes from configuration. Later schema changes to these tables are Java migrations too,
 * looping over the same {@link ShardRouter#tablesIn}.
 */
public final class V2__Sharded_tables extends BaseJavaMigration {
    private final ShardRouter router;
    private final int database;

    public V2__Sharded_tables(ShardRouter router, int database) {
        this.router = router;
        this.database = database;
    }

    /** The layout rows of {@code comment_shards} for database {@code database}. */
    static Map<String, Integer> layout(ShardRouter router, int database) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("databases", router.databases());
        m.put("database", database);
        m.put("subject_tables", router.subjectTables());
        m.put("index_tables", router.indexTables());
        m.put("content_tables", router.contentTables());
        m.put("action_tables", router.actionTables());
        return m;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement st = c.createStatement()) {
            for (int n : router.tablesIn(database, router.subjectTables())) {
                st.execute(subjectDdl(ShardRouter.name(ShardRouter.SUBJECT, n)));
            }
            for (int n : router.tablesIn(database, router.indexTables())) {
                st.execute(indexDdl(ShardRouter.name(ShardRouter.INDEX, n)));
            }
            for (int n : router.tablesIn(database, router.contentTables())) {
                st.execute(contentDdl(ShardRouter.name(ShardRouter.CONTENT, n)));
            }
            for (int n : router.tablesIn(database, router.actionTables())) {
                st.execute(actionDdl(ShardRouter.name(ShardRouter.ACTION, n)));
            }
        }
        try (PreparedStatement ps = c.prepareStatement("REPLACE INTO comment_shards (name, value) VALUES (?, ?)")) {
            for (Map.Entry<String, Integer> e : layout(router, database).entrySet()) {
                ps.setString(1, e.getKey());
                ps.setInt(2, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static final String TAIL = ") ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci";

    /** One comment area. {@code count} is the floor counter; the other counts are of visible comments. */
    static String subjectDdl(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "oid BIGINT NOT NULL,"
                + "type INT NOT NULL,"
                + "mid BIGINT NOT NULL DEFAULT 0 COMMENT 'owner of the object',"
                + "`count` INT NOT NULL DEFAULT 0 COMMENT 'floor counter: the last floor handed out',"
                + "root_count INT NOT NULL DEFAULT 0 COMMENT 'visible roots',"
                + "all_count INT NOT NULL DEFAULT 0 COMMENT 'visible roots and replies under visible roots',"
                + "state TINYINT NOT NULL DEFAULT 0 COMMENT '0 open, 1 closed',"
                + "attrs INT NOT NULL DEFAULT 0 COMMENT 'bit 1 (2): has a pinned root',"
                + "top_rpid BIGINT NOT NULL DEFAULT 0 COMMENT 'the pinned root, 0 when none',"
                + "ctime DATETIME(3) NOT NULL COMMENT 'UTC',"
                + "mtime DATETIME(3) NOT NULL COMMENT 'UTC',"
                + "PRIMARY KEY (oid, type)"
                + TAIL;
    }

    /**
     * One row per comment. The list orders are served by the (oid, type, root, state, ...) indexes: roots are
     * {@code root = 0}; time order is floor order (floors are handed out in order of arrival, one counter per
     * subject, so they are unique and grow with time); ties of likes or replies go to the newer (higher floor).
     */
    static String indexDdl(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "rpid BIGINT NOT NULL,"
                + "oid BIGINT NOT NULL,"
                + "type INT NOT NULL,"
                + "mid BIGINT NOT NULL,"
                + "root BIGINT NOT NULL DEFAULT 0,"
                + "parent BIGINT NOT NULL DEFAULT 0,"
                + "dialog BIGINT NOT NULL DEFAULT 0,"
                + "`floor` INT NOT NULL,"
                + "`count` INT NOT NULL DEFAULT 0 COMMENT 'replies ever made under this root',"
                + "rcount INT NOT NULL DEFAULT 0 COMMENT 'visible replies under this root',"
                + "`like` INT NOT NULL DEFAULT 0,"
                + "hate INT NOT NULL DEFAULT 0,"
                + "state TINYINT NOT NULL DEFAULT 0 COMMENT '0 normal, 1 hidden, 2 deleted, 3 pending review',"
                + "attrs INT NOT NULL DEFAULT 0 COMMENT 'bit 1 (2): pinned',"
                + "ctime DATETIME(3) NOT NULL COMMENT 'UTC',"
                + "mtime DATETIME(3) NOT NULL COMMENT 'UTC',"
                + "PRIMARY KEY (rpid),"
                + "KEY ix_like (oid, type, root, state, `like`, `floor`),"
                + "KEY ix_rcount (oid, type, root, state, rcount, `floor`),"
                + "KEY ix_floor (oid, type, root, state, `floor`)"
                + TAIL;
    }

    /** The text, stored exactly as written. {@code at_mids}: the mentioned mids, comma-separated. */
    static String contentDdl(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "rpid BIGINT NOT NULL,"
                + "oid BIGINT NOT NULL,"
                + "type INT NOT NULL,"
                + "message TEXT NOT NULL,"
                + "at_mids VARCHAR(2048) NOT NULL DEFAULT '',"
                + "ip VARCHAR(64) NOT NULL DEFAULT '',"
                + "platform VARCHAR(32) NOT NULL DEFAULT '',"
                + "device VARCHAR(128) NOT NULL DEFAULT '',"
                + "ctime DATETIME(3) NOT NULL COMMENT 'UTC',"
                + "mtime DATETIME(3) NOT NULL COMMENT 'UTC',"
                + "PRIMARY KEY (rpid)"
                + TAIL;
    }

    /** What one user did to one comment: 1 like, 2 hate, 0 nothing (undone). One row per (rpid, mid). */
    static String actionDdl(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "rpid BIGINT NOT NULL,"
                + "mid BIGINT NOT NULL,"
                + "oid BIGINT NOT NULL,"
                + "type INT NOT NULL,"
                + "action TINYINT NOT NULL DEFAULT 0 COMMENT '0 none, 1 like, 2 hate',"
                + "ctime DATETIME(3) NOT NULL COMMENT 'UTC',"
                + "mtime DATETIME(3) NOT NULL COMMENT 'UTC',"
                + "PRIMARY KEY (rpid, mid)"
                + TAIL;
    }
}
