package dev.plaza.im.pm.data.db;

import dev.plaza.kit.db.Database;
import dev.plaza.kit.db.DbConfig;
import dev.plaza.kit.db.LockRaces;
import dev.plaza.kit.db.ShardedSchema;
import dev.plaza.kit.db.TableShards;
import dev.plaza.kit.errors.PlazaError;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * The private-message databases (one pool each), migrated and checked against the configured table layout, with the
 * {@link TableShards} that say where a conversation's or a user's rows are. Closing it closes the pools.
 */
public final class PmShards implements AutoCloseable {
    /** Flyway location of the SQL migrations; the numbered tables come from {@link V2__Pm_tables}. */
    public static final String MIGRATIONS = "db/pm";
    /** Flyway's history table of the private-message schema, so it can share a database with other systems. */
    public static final String HISTORY_TABLE = "flyway_history_pm";

    private final List<Database> databases;
    private final TableShards router;

    private PmShards(List<Database> databases, TableShards router) {
        this.databases = databases;
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

    public List<Database> databases() {
        return databases;
    }

    /** Whether every database answers. */
    public boolean isHealthy() {
        return databases.stream().allMatch(Database::isHealthy);
    }

    /**
     * Runs {@code work} on a pooled connection of database {@code database} in auto-commit mode. A deadlock or
     * lock-wait timeout, which rolled the statement back, is retried a few times with jitter, so {@code work} must be
     * one statement, or several that are each safe to run again. {@link PlazaError}s (a busy pool) pass through.
     */
    public <T> T withConnection(int database, Database.SqlWork<T> work) {
        Database db = databases.get(database);
        return LockRaces.retrying(db.name(), () -> db.withConnection(work));
    }

    /**
     * Runs {@code work} in one transaction on database {@code database}: commit on return, rollback on any exception.
     * A lost lock race rolls the whole transaction back (the kit's {@link Database#inTransaction} rolls back on every
     * failure, even where InnoDB undid only the statement), so it is run again from the start, a few times with
     * jitter: a concurrent first append to a new conversation can deadlock on the counter row's insert.
     */
    public <T> T inTransaction(int database, Database.SqlWork<T> work) {
        Database db = databases.get(database);
        return LockRaces.retrying(db.name(), () -> db.inTransaction(work));
    }

    @Override
    public void close() {
        databases.forEach(Database::close);
    }
}
