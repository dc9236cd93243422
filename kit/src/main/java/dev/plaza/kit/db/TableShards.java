package dev.plaza.kit.db;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a row of a table family split into numbered tables lives: table number = {@code key mod tables}, and table
 * {@code n} lives in database {@code n mod databases}. {@code tables} is a multiple of {@code databases}, so every
 * database holds as many tables, and all rows of one key are always in one table (a query for one key never spans
 * tables). The key is whatever keeps a query's rows together: a user's mid, a conversation's hash.
 *
 * <p>The counts are fixed once rows are written: a system records them at creation ({@link ShardedSchema}) and
 * refuses to start with others.
 */
public final class TableShards {
    private final int databases;
    private final int tables;

    public TableShards(int databases, int tables) {
        if (databases < 1 || tables < 1 || tables % databases != 0) {
            throw new IllegalArgumentException("tables (" + tables + ") must be a positive multiple of the databases ("
                    + databases + ")");
        }
        this.databases = databases;
        this.tables = tables;
    }

    /** The table number of this key's rows (never negative, for negative keys too). */
    public int table(long key) {
        return (int) Math.floorMod(key, (long) tables);
    }

    /** The database number (index into the configured list) holding table {@code table}. */
    public int databaseOfTable(int table) {
        if (table < 0 || table >= tables) {
            throw new IllegalArgumentException("no table " + table + " among " + tables);
        }
        return table % databases;
    }

    /** The database number holding this key's rows. */
    public int database(long key) {
        return databaseOfTable(table(key));
    }

    /** {@code family_07} for this key's table. */
    public String tableName(String family, long key) {
        return name(family, table(key));
    }

    /** The numbers of the tables that live in database {@code db}, ascending. */
    public List<Integer> tablesIn(int db) {
        if (db < 0 || db >= databases) {
            throw new IllegalArgumentException("no database " + db + " among " + databases);
        }
        List<Integer> out = new ArrayList<>(tables / databases);
        for (int n = db; n < tables; n += databases) {
            out.add(n);
        }
        return out;
    }

    public int databases() {
        return databases;
    }

    public int tables() {
        return tables;
    }

    /** {@code pm_msg_07}, {@code pm_msg_123}: at least two digits, so the names sort and read alike. */
    public static String name(String family, int number) {
        if (number < 0) {
            throw new IllegalArgumentException("table numbers are not negative, got " + number);
        }
        return number < 10 ? family + "_0" + number : family + "_" + number;
    }

    @Override
    public String toString() {
        return "TableShards[databases=" + databases + ", tables=" + tables + "]";
    }
}
