package dev.plaza.im.pm.data.db;

import dev.plaza.kit.db.TableShards;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Creates this database's share of the numbered private-message tables (those whose number {@code % databases ==
 * database}, of every family in {@link PmTables}) and records the layout in {@code pm_shards}. A Java migration
 * because SQL cannot loop over a count that comes from configuration; later schema changes to these tables are Java
 * migrations too, looping over the same {@link TableShards#tablesIn}.
 */
public final class V2__Pm_tables extends BaseJavaMigration {
    private static final String TABLE_OPTIONS = ") ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci";

    private final TableShards shards;
    private final int database;

    public V2__Pm_tables(TableShards shards, int database) {
        this.shards = shards;
        this.database = database;
    }

    /** The layout rows of {@code pm_shards} for database {@code database}. */
    static Map<String, Integer> layout(TableShards shards, int database) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("databases", shards.databases());
        m.put("database", database);
        m.put("tables", shards.tables());
        return m;
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement st = c.createStatement()) {
            for (int n : shards.tablesIn(database)) {
                st.execute(msgDdl(TableShards.name(PmTables.MSG, n)));
                st.execute(convDdl(TableShards.name(PmTables.CONV, n)));
                st.execute(sessionDdl(TableShards.name(PmTables.SESSION, n)));
                st.execute(blockDdl(TableShards.name(PmTables.BLOCK, n)));
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "REPLACE INTO " + PmTables.LAYOUT + " (name, value) VALUES (?, ?)")) {
            for (Map.Entry<String, Integer> e : layout(shards, database).entrySet()) {
                ps.setString(1, e.getKey());
                ps.setInt(2, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * One row per message. The primary key keeps a conversation's messages together in seqno order, so paging either
     * way is a range read; {@code msg_key} is unique so a recall finds its original by key (and a message can never
     * be stored twice under two seqnos). Content is binary-collated: it is never compared, only returned as sent.
     */
    static String msgDdl(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "lo_mid BIGINT NOT NULL COMMENT 'the smaller mid of the conversation',"
                + "hi_mid BIGINT NOT NULL COMMENT 'the larger mid of the conversation',"
                + "seqno BIGINT NOT NULL COMMENT '1, 2, 3, ... per conversation, no gaps',"
                + "msg_key BIGINT NOT NULL COMMENT 'snowflake id',"
                + "sender_mid BIGINT NOT NULL,"
                + "receiver_mid BIGINT NOT NULL,"
                + "msg_type TINYINT NOT NULL COMMENT '1 text, 5 recall notice (content: the recalled msg_key)',"
                + "content TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
                + "ts BIGINT NOT NULL COMMENT 'Unix ms when it was accepted',"
                + "status TINYINT NOT NULL DEFAULT 0 COMMENT '0 normal, 1 recalled',"
                + "recalled_seqno BIGINT NOT NULL DEFAULT 0 COMMENT 'the seqno of its recall notice, 0 none',"
                + "PRIMARY KEY (lo_mid, hi_mid, seqno),"
                + "UNIQUE KEY uk_msg_key (msg_key)"
                + TABLE_OPTIONS;
    }

    /**
     * One row per conversation: its sequence counter (whose row lock serialises appends) and the job's delivery
     * cursor. {@code lagging} is derived by the database (a stored generated column, on MariaDB, MySQL and TiDB
     * alike) so the job's sweep for conversations with undelivered messages reads {@code ix_lagging_mtime} over
     * the lagging rows only, instead of every quiet conversation of all time. {@code mtime} is the Unix ms of the
     * last append.
     */
    static String convDdl(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "lo_mid BIGINT NOT NULL,"
                + "hi_mid BIGINT NOT NULL,"
                + "max_seqno BIGINT NOT NULL DEFAULT 0 COMMENT 'the newest message',"
                + "delivered_seqno BIGINT NOT NULL DEFAULT 0 COMMENT 'the job has delivered up to here',"
                + "mtime BIGINT NOT NULL COMMENT 'Unix ms of the last append',"
                + "lagging TINYINT GENERATED ALWAYS AS (IF(max_seqno > delivered_seqno, 1, 0)) STORED,"
                + "PRIMARY KEY (lo_mid, hi_mid),"
                + "KEY ix_lagging_mtime (lagging, mtime)"
                + TABLE_OPTIONS;
    }

    /**
     * One row per (owner, talker). {@code ix_owner_ts} serves the newest-first list and its cursor; it names
     * {@code talker_mid} after {@code ts_us} so ties have one order on every engine. The newest message is copied
     * in (its {@code last_*} columns) so the list is one read; {@code last_msg_key = 0} means none.
     */
    static String sessionDdl(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "owner_mid BIGINT NOT NULL,"
                + "talker_mid BIGINT NOT NULL,"
                + "unread INT NOT NULL DEFAULT 0 COMMENT 'messages from the talker after ack_seqno',"
                + "ack_seqno BIGINT NOT NULL DEFAULT 0 COMMENT 'the owner has read up to here',"
                + "max_seqno BIGINT NOT NULL DEFAULT 0 COMMENT 'the newest message applied',"
                + "ts_us BIGINT NOT NULL COMMENT 'Unix microseconds of the newest message',"
                + "ack_ts_us BIGINT NOT NULL DEFAULT 0 COMMENT 'Unix microseconds of the last ack, 0 never',"
                + "last_msg_key BIGINT NOT NULL DEFAULT 0,"
                + "last_sender BIGINT NOT NULL DEFAULT 0,"
                + "last_receiver BIGINT NOT NULL DEFAULT 0,"
                + "last_msg_type TINYINT NOT NULL DEFAULT 0,"
                + "last_content TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,"
                + "last_seqno BIGINT NOT NULL DEFAULT 0,"
                + "last_ts BIGINT NOT NULL DEFAULT 0 COMMENT 'Unix ms',"
                + "last_status TINYINT NOT NULL DEFAULT 0,"
                + "PRIMARY KEY (owner_mid, talker_mid),"
                + "KEY ix_owner_ts (owner_mid, ts_us, talker_mid)"
                + TABLE_OPTIONS;
    }

    /** One row per (owner, blocked user); {@code ctime} is the Unix ms of the block. */
    static String blockDdl(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " ("
                + "owner_mid BIGINT NOT NULL,"
                + "target_mid BIGINT NOT NULL,"
                + "ctime BIGINT NOT NULL COMMENT 'Unix ms',"
                + "PRIMARY KEY (owner_mid, target_mid)"
                + TABLE_OPTIONS;
    }
}
