package dev.plaza.comment.data.db;

import dev.plaza.kit.db.DbConfig;
import java.util.List;

/**
 * Where the comment tables live (config prefix {@code comment.db}). Every table family is split by oid into numbered
 * tables ({@code subject_07}, {@code reply_index_123}, ...): table number = {@code oid % count}; table number
 * {@code n} lives in database {@code n % databases.size()}. Every count must be a multiple of the number of
 * databases, so all the tables of one subject are in the same database ({@code oid % databases.size()}) and one
 * transaction covers them.
 *
 * <p>The counts are fixed when the tables are created (recorded in {@code comment_shards}); opening the tables with
 * other counts fails rather than look for rows in the wrong tables.
 *
 * @param databases     one or more MySQL-protocol databases; the list order is the database number
 * @param subjectTables number of {@code subject_NN} tables (default 50)
 * @param indexTables   number of {@code reply_index_NN} tables (default 200)
 * @param contentTables number of {@code reply_content_NN} tables (default 200)
 * @param actionTables  number of {@code reply_action_NN} tables (default 200)
 */
public record CommentDbConfig(List<DbConfig> databases, int subjectTables, int indexTables, int contentTables,
                              int actionTables) {
    public static final int DEFAULT_SUBJECT_TABLES = 50;
    public static final int DEFAULT_INDEX_TABLES = 200;
    public static final int DEFAULT_CONTENT_TABLES = 200;
    public static final int DEFAULT_ACTION_TABLES = 200;
    /** More tables than this is a typo, not a plan. */
    public static final int MAX_TABLES = 4096;

    public CommentDbConfig {
        if (databases == null || databases.isEmpty()) {
            throw new IllegalArgumentException("comment.db.databases needs at least one database");
        }
        databases = List.copyOf(databases);
        int n = databases.size();
        check("subjectTables", subjectTables, n);
        check("indexTables", indexTables, n);
        check("contentTables", contentTables, n);
        check("actionTables", actionTables, n);
    }

    /** One database with the default table counts (50 / 200 / 200 / 200). */
    public static CommentDbConfig defaults(DbConfig db) {
        return new CommentDbConfig(List.of(db), DEFAULT_SUBJECT_TABLES, DEFAULT_INDEX_TABLES, DEFAULT_CONTENT_TABLES,
                DEFAULT_ACTION_TABLES);
    }

    /** One database with small table counts, for tests and tiny sites. */
    public static CommentDbConfig single(DbConfig db, int subjectTables, int indexTables, int contentTables,
                                         int actionTables) {
        return new CommentDbConfig(List.of(db), subjectTables, indexTables, contentTables, actionTables);
    }

    private static void check(String name, int count, int databases) {
        if (count < 1 || count > MAX_TABLES) {
            throw new IllegalArgumentException("comment.db." + name + " must be 1 to " + MAX_TABLES + ", was " + count);
        }
        if (count % databases != 0) {
            throw new IllegalArgumentException("comment.db." + name + " (" + count + ") must be a multiple of the "
                    + "number of databases (" + databases + ") so that one subject's tables share a database");
        }
    }
}
