package dev.plaza.history.data.db;

import dev.plaza.kit.db.DbConfig;
import java.util.List;

/**
 * Where the history tables live (config prefix {@code history.db}). The records are split by the user's mid into
 * numbered tables {@code history_00 .. history_NN}: table number = {@code mid % tables}; table number {@code n}
 * lives in database {@code n % databases.size()}. {@code tables} must be a multiple of the number of databases so
 * every database holds the same number of tables, and one user's records are always in one table.
 *
 * <p>The counts are fixed when the tables are created (recorded in {@code history_shards}); opening the tables with
 * other counts fails rather than look for records in the wrong tables.
 *
 * @param databases one or more MySQL-protocol databases (MariaDB, MySQL, TiDB); the list order is the database number
 * @param tables    number of {@code history_NN} tables (default 32)
 */
public record HistoryDbConfig(List<DbConfig> databases, int tables) {
    public static final int DEFAULT_TABLES = 32;
    /** More tables than this is a typo, not a plan (TiDB at scale wants few big tables, not many small ones). */
    public static final int MAX_TABLES = 4096;

    public HistoryDbConfig {
        if (databases == null || databases.isEmpty()) {
            throw new IllegalArgumentException("history.db.databases needs at least one database");
        }
        databases = List.copyOf(databases);
        if (tables < 1 || tables > MAX_TABLES) {
            throw new IllegalArgumentException("history.db.tables must be 1 to " + MAX_TABLES + ", was " + tables);
        }
        if (tables % databases.size() != 0) {
            throw new IllegalArgumentException("history.db.tables (" + tables + ") must be a multiple of the number of "
                    + "databases (" + databases.size() + ") so that every database holds as many tables");
        }
    }

    /** One database with the default 32 tables. */
    public static HistoryDbConfig defaults(DbConfig db) {
        return new HistoryDbConfig(List.of(db), DEFAULT_TABLES);
    }

    /** One database with {@code tables} tables, for tests and tiny sites. */
    public static HistoryDbConfig single(DbConfig db, int tables) {
        return new HistoryDbConfig(List.of(db), tables);
    }
}
