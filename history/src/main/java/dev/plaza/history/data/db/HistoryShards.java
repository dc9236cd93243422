package dev.plaza.history.data.db;

import dev.plaza.kit.db.Database;
import dev.plaza.kit.db.DbConfig;
import dev.plaza.kit.db.ShardPools;
import dev.plaza.kit.db.ShardedSchema;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * The history databases (one pool each), migrated and checked against the configured table layout, with the
 * {@link HistoryRouter} that says where a user's records are. Every history write is idempotent (newest wins,
 * deletes), so the lock-race retries of {@link #withConnection} are always safe here. Closing it closes the pools.
 */
public final class HistoryShards extends ShardPools {
    /** Flyway location of the SQL migrations; the numbered tables come from {@link V2__History_tables}. */
    public static final String MIGRATIONS = "db/history";
    /** Flyway's history table of the history schema (the name is what it is: Flyway's history of "history"). */
    public static final String HISTORY_TABLE = "flyway_history_history";

    private final HistoryRouter router;

    private HistoryShards(List<Database> databases, HistoryRouter router) {
        super(databases);
        this.router = router;
    }

    /**
     * Opens a pool per database (named {@code history-0}, {@code history-1}, ...), creates the tables on first use
     * and fails when the tables were created with other counts than {@code cfg} says.
     */
    public static HistoryShards open(HistoryDbConfig cfg, MeterRegistry meters) {
        HistoryRouter router = new HistoryRouter(cfg);
        List<DbConfig> configs = cfg.databases().stream().map(DbConfig::withAffectedRows).toList();
        return new HistoryShards(ShardedSchema.openAll(configs, "history", meters, (db, i) -> {
            migrate(db, router, i);
            verifyLayout(db, router, i);
        }), router);
    }

    private static void migrate(Database db, HistoryRouter router, int index) {
        ShardedSchema.migrate(db, HISTORY_TABLE, MIGRATIONS, new V2__History_tables(router, index));
    }

    private static void verifyLayout(Database db, HistoryRouter router, int index) {
        ShardedSchema.verifyLayout(db, "history_shards", V2__History_tables.layout(router, index), "history", "history.db");
    }

    public HistoryRouter router() {
        return router;
    }
}
