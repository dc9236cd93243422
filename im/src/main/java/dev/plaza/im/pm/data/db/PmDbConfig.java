package dev.plaza.im.pm.data.db;

import dev.plaza.kit.db.DbConfig;
import java.util.List;

/**
 * Where the private-message tables live (config prefix {@code im.pm.db}). Every family is split into numbered tables
 * ({@code pm_msg_00 .. pm_msg_NN} and alike): a conversation's messages and counters go by its
 * {@link dev.plaza.im.pm.biz.ConversationId#shardKey() shard key}, a user's sessions and block list by the user's mid;
 * table number = {@code key % tables}, table {@code n} lives in database {@code n % databases.size()}. {@code tables}
 * must be a multiple of the number of databases so every database holds the same number of tables.
 *
 * <p>The counts are fixed when the tables are created (recorded in {@code pm_shards}); opening the tables with other
 * counts fails rather than look for rows in the wrong tables.
 *
 * @param databases one or more MySQL-protocol databases (MariaDB, MySQL, TiDB); the list order is the database number
 * @param tables    number of tables of each family (default 16)
 */
public record PmDbConfig(List<DbConfig> databases, int tables) {
    public static final int DEFAULT_TABLES = 16;
    /** More tables than this is a typo, not a plan. */
    public static final int MAX_TABLES = 4096;

    public PmDbConfig {
        if (databases == null || databases.isEmpty()) {
            throw new IllegalArgumentException("im.pm.db.databases needs at least one database");
        }
        databases = List.copyOf(databases);
        if (tables < 1 || tables > MAX_TABLES) {
            throw new IllegalArgumentException("im.pm.db.tables must be 1 to " + MAX_TABLES + ", was " + tables);
        }
        if (tables % databases.size() != 0) {
            throw new IllegalArgumentException("im.pm.db.tables (" + tables + ") must be a multiple of the number of "
                    + "databases (" + databases.size() + ") so that every database holds as many tables");
        }
    }

    /** One database with the default 16 tables. */
    public static PmDbConfig defaults(DbConfig db) {
        return new PmDbConfig(List.of(db), DEFAULT_TABLES);
    }

    /** One database with {@code tables} tables, for tests and tiny sites. */
    public static PmDbConfig single(DbConfig db, int tables) {
        return new PmDbConfig(List.of(db), tables);
    }
}
