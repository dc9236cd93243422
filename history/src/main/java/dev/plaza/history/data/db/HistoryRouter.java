package dev.plaza.history.data.db;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps a user's mid to the table and database holding all of that user's records: table number =
 * {@code mid % tables}, database = {@code tableNumber % databases}. One user never spans tables, so listing a user's
 * history is one indexed query on one table.
 */
public final class HistoryRouter {
    public static final String FAMILY = "history";

    private final int databases;
    private final int tables;

    public HistoryRouter(HistoryDbConfig cfg) {
        this(cfg.databases().size(), cfg.tables());
    }

    public HistoryRouter(int databases, int tables) {
        if (databases < 1 || tables < 1 || tables % databases != 0) {
            throw new IllegalArgumentException("tables (" + tables + ") must be a positive multiple of the databases ("
                    + databases + ")");
        }
        this.databases = databases;
        this.tables = tables;
    }

    /** The table number of this mid's records. */
    public int table(long mid) {
        return (int) Math.floorMod(mid, (long) tables);
    }

    /** The database number (index into {@link HistoryDbConfig#databases()}) holding table {@code table}. */
    public int databaseOfTable(int table) {
        return table % databases;
    }

    /** The database number holding this mid's records. */
    public int database(long mid) {
        return databaseOfTable(table(mid));
    }

    /** {@code history_07} for this mid. */
    public String tableName(long mid) {
        return name(table(mid));
    }

    public int databases() {
        return databases;
    }

    public int tables() {
        return tables;
    }

    /** The numbers of the tables that live in database {@code db}. */
    public List<Integer> tablesIn(int db) {
        List<Integer> out = new ArrayList<>();
        for (int n = db; n < tables; n += databases) {
            out.add(n);
        }
        return out;
    }

    /** {@code history_07}, {@code history_123}: at least two digits, so the names sort and read alike. */
    public static String name(int number) {
        return number < 10 ? FAMILY + "_0" + number : FAMILY + "_" + number;
    }
}
