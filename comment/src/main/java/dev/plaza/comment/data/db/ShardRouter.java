package dev.plaza.comment.data.db;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps a subject's oid to its tables and database: table number = {@code oid % count} per family, database =
 * {@code tableNumber % databases}. Because every count is a multiple of the number of databases (checked by
 * {@link CommentDbConfig}) all four tables of one oid are in database {@code oid % databases}.
 */
public final class ShardRouter {
    public static final String SUBJECT = "subject";
    public static final String INDEX = "reply_index";
    public static final String CONTENT = "reply_content";
    public static final String ACTION = "reply_action";

    private final int databases;
    private final int subjectTables;
    private final int indexTables;
    private final int contentTables;
    private final int actionTables;

    public ShardRouter(CommentDbConfig cfg) {
        this(cfg.databases().size(), cfg.subjectTables(), cfg.indexTables(), cfg.contentTables(), cfg.actionTables());
    }

    public ShardRouter(int databases, int subjectTables, int indexTables, int contentTables, int actionTables) {
        if (databases < 1 || subjectTables % databases != 0 || indexTables % databases != 0
                || contentTables % databases != 0 || actionTables % databases != 0) {
            throw new IllegalArgumentException("every table count must be a positive multiple of the databases");
        }
        this.databases = databases;
        this.subjectTables = subjectTables;
        this.indexTables = indexTables;
        this.contentTables = contentTables;
        this.actionTables = actionTables;
    }

    /** The database number (index into {@link CommentDbConfig#databases()}) holding this oid's rows. */
    public int database(long oid) {
        return table(oid, subjectTables) % databases;
    }

    public String subjectTable(long oid) {
        return name(SUBJECT, table(oid, subjectTables));
    }

    public String indexTable(long oid) {
        return name(INDEX, table(oid, indexTables));
    }

    public String contentTable(long oid) {
        return name(CONTENT, table(oid, contentTables));
    }

    public String actionTable(long oid) {
        return name(ACTION, table(oid, actionTables));
    }

    public int databases() {
        return databases;
    }

    public int subjectTables() {
        return subjectTables;
    }

    public int indexTables() {
        return indexTables;
    }

    public int contentTables() {
        return contentTables;
    }

    public int actionTables() {
        return actionTables;
    }

    /** The numbers of the tables of one family that live in database {@code db}. */
    public List<Integer> tablesIn(int db, int count) {
        List<Integer> out = new ArrayList<>();
        for (int n = db; n < count; n += databases) {
            out.add(n);
        }
        return out;
    }

    /** {@code subject_07}, {@code reply_index_123}: at least two digits, so the names sort and read alike. */
    public static String name(String family, int number) {
        return number < 10 ? family + "_0" + number : family + "_" + number;
    }

    private static int table(long oid, int count) {
        return (int) Math.floorMod(oid, (long) count);
    }
}
