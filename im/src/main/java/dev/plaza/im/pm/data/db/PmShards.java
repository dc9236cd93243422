package dev.plaza.im.pm.data.db;

import dev.plaza.kit.db.Database;
import dev.plaza.kit.db.DbConfig;
import dev.plaza.kit.db.ShardPools;
import dev.plaza.kit.db.ShardedSchema;
import dev.plaza.kit.db.TableShards;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * The private-message databases (one pool each), migrated and checked against the configured table layout, with the
 * {@link TableShards} that say where a conversation's or a user's rows are. Transactions are retried whole on a
 * lost lock race ({@link #inTransaction}): a concurrent first append to a new conversation can deadlock on the
 * counter row's insert. Closing it closes the pools.
 */
public final class PmShards extends ShardPools {
    /** Flyway location of the SQL migrations; the numbered tables come from {@link V2__Pm_tables}. */
    public static final String MIGRATIONS = "db/pm";
    /** Flyway's history table of the private-message schema, so it can share a database with other systems. */
    public static final String HISTORY_TABLE = "flyway_history_pm";

    private final TableShards router;

    private PmShards(List<Database> databases, TableShards router) {
        super(databases);
        this.router = router;
    }

    /**
     * Opens a pool per database (named {@code pm-0}, {@code pm-1}, ...), creates the tables on first use and fails
     * with an {@link IllegalStateException} when the tables were created with other counts than {@code cfg} says.
     */
    public static PmShards open(PmDbConfig cfg, MeterRegistry meters) {
        TableShards router = new TableShards(cfg.databases().size(), cfg.tables());
        List<DbConfig> configs = cfg.databases().stream().map(DbConfig::withAffectedRows).toList();
        return new PmShards(ShardedSchema.openAll(configs, "pm", meters, (db, i) -> {
            migrate(db, router, i);
            verifyLayout(db, router, i);
        }), router);
    }

    private static void migrate(Database db, TableShards router, int index) {
        ShardedSchema.migrate(db, HISTORY_TABLE, MIGRATIONS, new V2__Pm_tables(router, index));
    }

    private static void verifyLayout(Database db, TableShards router, int index) {
        ShardedSchema.verifyLayout(db, PmTables.LAYOUT, V2__Pm_tables.layout(router, index), "private message",
                "im.pm.db");
    }

    public TableShards router() {
        return router;
    }
}
