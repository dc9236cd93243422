package dev.plaza.kit.db;

import dev.plaza.kit.errors.PlazaError;
import java.util.List;
import java.util.Objects;

/**
 * The pools of a system's sharded databases (one per database, in shard order), with the lock-race retries every
 * sharded store wants. A system's shards extend it with their router and how they open (migrate, check the layout).
 * Closing it closes the pools.
 */
public class ShardPools implements AutoCloseable {
    private final List<Database> databases;

    protected ShardPools(List<Database> databases) {
        this.databases = List.copyOf(Objects.requireNonNull(databases, "databases"));
    }

    public final List<Database> databases() {
        return databases;
    }

    /** Whether every database answers. */
    public final boolean isHealthy() {
        return databases.stream().allMatch(Database::isHealthy);
    }

    /**
     * Runs {@code work} on a pooled connection of database {@code database} in auto-commit mode. A deadlock or
     * lock-wait timeout, which rolled the statement back, is retried a few times with jitter, so {@code work} must be
     * one statement, or several that are each safe to run again. {@link PlazaError}s (a busy pool) pass through.
     */
    public final <T> T withConnection(int database, Database.SqlWork<T> work) {
        Database db = databases.get(database);
        return LockRaces.retrying(db.name(), () -> db.withConnection(work));
    }

    /**
     * Runs {@code work} in one transaction on database {@code database}: commit on return, rollback on any exception.
     * A lost lock race rolls the whole transaction back ({@link Database#inTransaction} rolls back on every failure,
     * even where InnoDB undid only the statement), so it is run again from the start, a few times with jitter.
     */
    public final <T> T inTransaction(int database, Database.SqlWork<T> work) {
        Database db = databases.get(database);
        return LockRaces.retrying(db.name(), () -> db.inTransaction(work));
    }

    @Override
    public void close() {
        databases.forEach(Database::close);
    }
}
