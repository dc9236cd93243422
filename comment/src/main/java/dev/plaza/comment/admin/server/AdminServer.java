package dev.plaza.comment.admin.server;

import dev.plaza.comment.admin.CommentAdminRoutes;
import dev.plaza.comment.admin.CommentAdminUsecase;
import dev.plaza.comment.admin.CommentSearch;
import dev.plaza.comment.admin.IndexRebuilder;
import dev.plaza.comment.biz.CommentEvents;
import dev.plaza.comment.data.db.CommentShards;
import dev.plaza.comment.data.search.BinlogIndexer;
import dev.plaza.comment.data.search.CommentIndex;
import dev.plaza.comment.data.search.JdbcReplyLookup;
import dev.plaza.comment.data.search.Reindexer;
import dev.plaza.kit.http.HttpRoutes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The comment admin role, wired by hand: the search index (OpenSearch), the binlog indexer feeding it (Debezium),
 * the reindexer, and the moderators' use cases and HTTP routes. The host owns the HTTP edge and the Kafka producer
 * behind {@link CommentEvents}. Between {@link #start()} and {@link #close()} the binlog indexer runs (when
 * configured).
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private final CommentShards shards;
    private final boolean ownsShards;
    private final CommentIndex index;
    private final BinlogIndexer binlog;
    private final CommentAdminUsecase usecase;
    private final CommentAdminRoutes routes;

    private AdminServer(CommentShards shards, boolean ownsShards, CommentIndex index, BinlogIndexer binlog,
                        CommentEvents events, Clock clock) {
        this.shards = shards;
        this.ownsShards = ownsShards;
        this.index = index;
        this.binlog = binlog;
        this.usecase = new CommentAdminUsecase(index, new JdbcReplyLookup(shards), events,
                new Reindexer(shards, index, binlog), clock);
        this.routes = new CommentAdminRoutes(usecase);
    }

    /** Opens its own pools on the comment databases (migrating them if needed); closed with this server. */
    public static AdminServer create(AdminConfig cfg, CommentEvents events, MeterRegistry meters, Clock clock) {
        MeterRegistry registry = meters == null ? new SimpleMeterRegistry() : meters;
        CommentShards shards = CommentShards.open(cfg.db(), registry);
        try {
            return build(cfg, shards, true, events, registry, clock);
        } catch (RuntimeException e) {
            shards.close();
            throw e;
        }
    }

    /** Uses pools shared with the other comment roles of this process; they are not closed here. */
    public static AdminServer create(AdminConfig cfg, CommentShards shared, CommentEvents events, MeterRegistry meters,
                                     Clock clock) {
        return build(cfg, shared, false, events, meters == null ? new SimpleMeterRegistry() : meters, clock);
    }

    private static AdminServer build(AdminConfig cfg, CommentShards shards, boolean owns, CommentEvents events,
                                     MeterRegistry meters, Clock clock) {
        CommentIndex index = CommentIndex.connect(new CommentIndex.Settings(cfg.opensearchUrl(), cfg.indexAlias(), cfg.indexShards(),
                cfg.indexReplicas(), Duration.ofSeconds(30)));
        BinlogIndexer binlog = cfg.followBinlog()
                ? new BinlogIndexer(new BinlogIndexer.Settings(cfg.db().databases(), cfg.dataDir().resolve("binlog"),
                cfg.binlogServerId(), cfg.snapshotExisting(), Duration.ofMillis(100)), index, meters)
                : null;
        return new AdminServer(shards, owns, index, binlog, events, clock == null ? Clock.systemUTC() : clock);
    }

    /**
     * Creates the search index if it does not exist and starts following the binlog. OpenSearch being down does not
     * stop the start: searches answer -503 and the binlog indexer waits and retries until it answers.
     */
    public void start() {
        try {
            index.ensure();
        } catch (RuntimeException e) {
            log.warn("comment search index not ready: {}", e.getMessage());
        }
        if (binlog != null) {
            binlog.start();
        }
    }

    public HttpRoutes httpRoutes() {
        return routes;
    }

    public CommentAdminUsecase usecase() {
        return usecase;
    }

    public CommentSearch search() {
        return index;
    }

    /**
     * The reindex command, for the launcher as well as the HTTP route ({@code POST /x/admin/reply/reindex}); one runs
     * at a time (a second caller gets -503).
     */
    public IndexRebuilder reindexer() {
        return usecase::reindex;
    }

    public CommentIndex index() {
        return index;
    }

    public Optional<BinlogIndexer> binlog() {
        return Optional.ofNullable(binlog);
    }

    /** For readiness checks: the search index answers. */
    public boolean isHealthy() {
        return index.isHealthy();
    }

    /** Stops the binlog indexer (keeping its position), then closes the search client and owned pools. */
    @Override
    public void close() {
        try {
            if (binlog != null) {
                binlog.close();
            }
        } finally {
            try {
                index.close();
            } finally {
                if (ownsShards) {
                    shards.close();
                }
            }
        }
    }
}
