package dev.plaza.comment.data.search;

import dev.plaza.comment.admin.IndexRebuilder;
import dev.plaza.comment.data.db.CommentShards;
import dev.plaza.comment.data.db.ShardRouter;
import dev.plaza.kit.db.Database;
import dev.plaza.kit.errors.PlazaError;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the search index from the tables: fills a new concrete index from every {@code reply_index_NN} table
 * (each scanned in rpid order, in pages) joined with its content rows, then points the alias at it and drops the old
 * index. Searches keep using the old index until the switch.
 *
 * <p>While it runs, the binlog indexer (when given) is paused: changes that happen meanwhile wait in the binlog and
 * are applied to the new index after the switch, in order, so no edit made during a reindex is lost or overwritten
 * by the older row the scan read.
 */
public final class Reindexer implements IndexRebuilder {
    private static final Logger log = LoggerFactory.getLogger(Reindexer.class);
    static final String INDEX_COLS = "rpid, oid, type, mid, root, parent, dialog, `floor`, `like`, hate, state, attrs, ctime";
    private static final int PAGE = 1000;

    private final CommentShards shards;
    private final CommentIndex index;
    private final BinlogIndexer binlog;

    /** {@code binlogOrNull}: the indexer to pause while rebuilding, or null when none runs in this process. */
    public Reindexer(CommentShards shards, CommentIndex index, BinlogIndexer binlogOrNull) {
        this.shards = Objects.requireNonNull(shards, "shards");
        this.index = Objects.requireNonNull(index, "index");
        this.binlog = binlogOrNull;
    }

    @Override
    public Result reindexAll() {
        return binlog == null ? rebuild() : binlog.paused(this::rebuild);
    }

    private Result rebuild() {
        long start = System.nanoTime();
        String target = index.createLoadingIndex();
        long written = 0;
        try {
            ShardRouter router = shards.router();
            List<Database> dbs = shards.databases();
            for (int d = 0; d < dbs.size(); d++) {
                for (int n : router.tablesIn(d, router.indexTables())) {
                    written += copyTable(dbs.get(d), router, ShardRouter.name(ShardRouter.INDEX, n), target);
                }
            }
            index.promote(target);
        } catch (RuntimeException e) {
            index.dropIndex(target);
            throw e instanceof PlazaError p ? p : PlazaError.internal("reindex failed", e);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        log.info("reindexed {} comments into {} in {} ms", written, target, took.toMillis());
        return new Result(target, written, took);
    }

    /** Copies one index table, page by page in rpid order, each page joined with its messages. */
    private long copyTable(Database db, ShardRouter router, String table, String target) {
        long after = Long.MIN_VALUE;
        long copied = 0;
        while (true) {
            long from = after;
            List<Map<String, Object>> rows = db.withConnection(c -> page(c, table, from));
            if (rows.isEmpty()) {
                return copied;
            }
            Map<Long, String> messages = db.withConnection(c -> messages(c, router, rows));
            List<Map<String, Object>> docs = new ArrayList<>(rows.size());
            for (Map<String, Object> row : rows) {
                Map<String, Object> doc = ReplyDocs.fromIndexRow(row);
                String msg = messages.get((Long) doc.get(ReplyDocs.RPID));
                doc.put(ReplyDocs.MESSAGE, msg == null ? "" : msg);
                docs.add(doc);
            }
            CommentIndex.BulkOutcome out = index.put(target, docs);
            if (out.rejected() > 0 || out.needsRetry()) {
                throw PlazaError.overloaded("SEARCH_UNAVAILABLE", "the search index did not take a reindex batch of "
                        + table + ": " + out.firstError());
            }
            copied += docs.size();
            after = (Long) rows.get(rows.size() - 1).get("rpid");
            if (rows.size() < PAGE) {
                return copied;
            }
        }
    }

    private static List<Map<String, Object>> page(Connection c, String table, long after) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + INDEX_COLS + " FROM " + table
                + " WHERE rpid > ? ORDER BY rpid LIMIT " + PAGE)) {
            ps.setLong(1, after);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        }
        return out;
    }

    /** The messages of these comments, from the content table of each one's oid (same database). */
    private static Map<Long, String> messages(Connection c, ShardRouter router, List<Map<String, Object>> rows)
            throws Exception {
        Map<String, List<Long>> byTable = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) {
            byTable.computeIfAbsent(router.contentTable((Long) r.get("oid")), k -> new ArrayList<>())
                    .add((Long) r.get("rpid"));
        }
        Map<Long, String> out = new HashMap<>();
        for (Map.Entry<String, List<Long>> e : byTable.entrySet()) {
            List<Long> ids = e.getValue();
            String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
            try (PreparedStatement ps = c.prepareStatement("SELECT rpid, message FROM " + e.getKey()
                    + " WHERE rpid IN (" + marks + ")")) {
                for (int i = 0; i < ids.size(); i++) {
                    ps.setLong(i + 1, ids.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getLong(1), rs.getString(2));
                    }
                }
            }
        }
        return out;
    }

    /** A row as column -> value, with DATETIME read as UTC (as the tables store it, and as the binlog decodes it). */
    static Map<String, Object> row(ResultSet rs) throws Exception {
        ResultSetMetaData md = rs.getMetaData();
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            String col = md.getColumnLabel(i);
            Object v;
            if ("ctime".equals(col) || "mtime".equals(col)) {
                LocalDateTime t = rs.getObject(i, LocalDateTime.class);
                v = t == null ? null : t.toInstant(ZoneOffset.UTC);
            } else {
                v = rs.getObject(i);
                if (v instanceof Number n && !(v instanceof Long)) {
                    v = n.longValue();
                }
            }
            m.put(col, v);
        }
        return m;
    }

}
