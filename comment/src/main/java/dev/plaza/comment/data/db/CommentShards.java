package dev.plaza.comment.data.db;

import dev.plaza.kit.db.Database;
import dev.plaza.kit.db.LockRaces;
import dev.plaza.kit.db.ShardedSchema;
import dev.plaza.kit.errors.PlazaError;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The comment databases (one pool each), migrated and checked against the configured table layout, with the
 * {@link ShardRouter} that says where an oid's rows are. Shared by {@link ShardedCommentStore} and
 * {@link ShardedCommentReadRepo}; closing it closes the pools.
 */
public final class CommentShards implements AutoCloseable {
    /** Flyway location of the SQL migrations; the numbered tables come from {@link V2__Sharded_tables}. */
    public static final String MIGRATIONS = "db/comment";
    /** Flyway's history table of the comment schema. */
    public static final String HISTORY_TABLE = "flyway_comment_history";

    private final List<Database> databases;
    private final ShardRouter router;

    private CommentShards(List<Database> databases, ShardRouter router) {
        this.databases = databases;
        this.router = router;
    }

    /**
     * Opens a pool per database (named {@code comment-0}, {@code comment-1}, ...), creates the tables on first use
     * and fails when the tables were created with other counts than {@code cfg} says.
     */
    public static CommentShards open(CommentDbConfig cfg, MeterRegistry meters) {
        ShardRouter router = new ShardRouter(cfg);
        return new CommentShards(ShardedSchema.openAll(cfg.databases(), "comment", meters, (db, i) -> {
            migrate(db, router, i);
            verifyLayout(db, router, i);
        }), router);
    }

    private static void migrate(Database db, ShardRouter router, int index) {
        ShardedSchema.migrate(db, HISTORY_TABLE, MIGRATIONS, new V2__Sharded_tables(router, index));
    }

    private static void verifyLayout(Database db, ShardRouter router, int index) {
        ShardedSchema.verifyLayout(db, "comment_shards", V2__Sharded_tables.layout(router, index), "comment", "comment.db");
    }

    public ShardRouter router() {
        return router;
    }

    /** The database holding this oid's rows. */
    public Database db(long oid) {
        return databases.get(router.database(oid));
    }

    public List<Database> databases() {
        return databases;
    }

    /** Runs {@code work} on a pooled connection of this oid's database in auto-commit mode. */
    public <T> T withConnection(long oid, Database.SqlWork<T> work) {
        return db(oid).withConnection(work);
    }

    /**
     * Runs {@code work} in one READ COMMITTED transaction on this oid's database: commit on return, rollback on any
     * exception. A deadlock or lock-wait timeout (which rolled the work back) is retried a few times with jitter;
     * {@link PlazaError}s pass through unchanged.
     */
    public <T> T inTransaction(long oid, Database.SqlWork<T> work) {
        Database db = db(oid);
        return LockRaces.retrying(db.name(), () -> {
            try {
                return once(db, work);
            } catch (PlazaError e) {
                throw e;
            } catch (Exception e) {
                // a lost lock race stays the cause, so it is recognised and retried
                throw PlazaError.internal("database " + db.name() + " transaction failed", e);
            }
        });
    }

    private static <T> T once(Database db, Database.SqlWork<T> work) throws Exception {
        try (Connection c = db.connection()) {
            c.setAutoCommit(false);
            // Read committed: every plain read inside sees what the previous lock holder committed, and no gap
            // locks are taken, so posts to different subjects in one table never block each other.
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (Exception | Error e) {
                try {
                    c.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            } finally {
                // the pool resets isolation; put auto-commit back for the next borrower
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // the connection is broken; the pool evicts it
                }
            }
        }
    }

    @Override
    public void close() {
        databases.forEach(Database::close);
    }
}
