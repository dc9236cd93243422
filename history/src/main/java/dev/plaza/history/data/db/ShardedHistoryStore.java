package dev.plaza.history.data.db;

import dev.plaza.history.biz.Business;
import dev.plaza.history.biz.HistoryKey;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.history.biz.HistoryStore;
import dev.plaza.history.biz.Kid;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link HistoryStore} on the {@code history_NN} tables. Writes are plain auto-commit statements, each idempotent:
 * a record replaces the stored one only when its {@code view_at} is at least as late, so a redelivered or late batch
 * never moves a user back in time, and a failed batch can simply be written again. Only portable SQL (MySQL, MariaDB,
 * TiDB): {@code INSERT ... ON DUPLICATE KEY UPDATE} with {@code VALUES()}, {@code DELETE ... LIMIT}, no triggers.
 *
 * <p>Ties: a record with the same {@code view_at} as the stored one replaces it (last write wins), in the batch and
 * in the table alike, as {@link HistoryRecord#isReplacedBy} says.
 */
public final class ShardedHistoryStore implements HistoryStore {
    /** Rows per statement: big enough to amortize the round trip, small enough for short row locks and packets. */
    static final int CHUNK = 500;

    /** Orders a statement's rows by primary key so concurrent batches lock rows in one order and rarely deadlock. */
    private static final Comparator<HistoryRecord> BY_PRIMARY_KEY = Comparator.comparingLong(HistoryRecord::mid)
            .thenComparingInt(r -> HistoryRows.businessCode(r.kid().business()))
            .thenComparingLong(r -> r.kid().id());

    /**
     * Newest wins, column by column: each takes the incoming value only when the incoming {@code view_at} is at
     * least the stored one. {@code view_at} is assigned last and {@code mtime} first, because MySQL evaluates the
     * assignments left to right and later ones see the values set by earlier ones; in this order every condition
     * sees the stored row whether the engine evaluates in order or all at once. {@code mtime} moves only when a
     * value really changes, so writing the same record again leaves the row untouched (0 affected rows).
     */
    private static final String ON_DUPLICATE = " ON DUPLICATE KEY UPDATE "
            + "mtime = IF(VALUES(view_at) >= view_at AND (VALUES(cid) <> cid OR VALUES(progress) <> progress"
            + " OR VALUES(platform) <> platform OR VALUES(view_at) <> view_at), VALUES(mtime), mtime), "
            + "cid = IF(VALUES(view_at) >= view_at, VALUES(cid), cid), "
            + "progress = IF(VALUES(view_at) >= view_at, VALUES(progress), progress), "
            + "platform = IF(VALUES(view_at) >= view_at, VALUES(platform), platform), "
            + "view_at = IF(VALUES(view_at) >= view_at, VALUES(view_at), view_at)";

    private final HistoryShards shards;
    private final HistoryRouter router;
    /** The table where the last purge step ran out of budget; the next step starts there, so none is starved. */
    private final AtomicInteger purgeFrom = new AtomicInteger();

    public ShardedHistoryStore(HistoryShards shards) {
        this.shards = shards;
        this.router = shards.router();
    }

    public HistoryShards shards() {
        return shards;
    }

    // -------------------------------------------------------------------------------------------------- upsert

    /**
     * Writes the records with one multi-row {@code INSERT ... ON DUPLICATE KEY UPDATE} per table and chunk of
     * {@value #CHUNK}; of several records of one key in {@code records} only the newest is written (ties: the later
     * one in iteration order).
     *
     * @return MySQL's affected-rows count summed over the statements: 1 per inserted row, 2 per updated row, 0 per
     *     row left as it was (an older or identical record). So 0 means the batch changed nothing (a redelivery),
     *     and a positive value is between the number of changed rows and twice that. (This needs the driver's
     *     {@code useAffectedRows=true}, which {@link HistoryShards} sets; a URL that says otherwise gets "found rows",
     *     where an unchanged duplicate counts 1.)
     */
    @Override
    public int upsert(Collection<HistoryRecord> records) {
        if (records == null || records.isEmpty()) {
            return 0;
        }
        Map<HistoryKey, HistoryRecord> newest = new LinkedHashMap<>();
        for (HistoryRecord r : records) {
            newest.merge(r.key(), r, (held, incoming) -> held.isReplacedBy(incoming) ? incoming : held);
        }
        Map<Integer, List<HistoryRecord>> byTable = new TreeMap<>();
        for (HistoryRecord r : newest.values()) {
            byTable.computeIfAbsent(router.table(r.mid()), t -> new ArrayList<>()).add(r);
        }
        int changed = 0;
        for (Map.Entry<Integer, List<HistoryRecord>> e : byTable.entrySet()) {
            List<HistoryRecord> rows = e.getValue();
            rows.sort(BY_PRIMARY_KEY);
            for (int from = 0; from < rows.size(); from += CHUNK) {
                changed += insert(e.getKey(), rows.subList(from, Math.min(rows.size(), from + CHUNK)));
            }
        }
        return changed;
    }

    private int insert(int table, List<HistoryRecord> rows) {
        StringBuilder sql = new StringBuilder(128 + rows.size() * 40 + ON_DUPLICATE.length())
                .append("INSERT INTO ").append(HistoryRouter.name(table))
                .append(" (mid, business, oid, cid, progress, platform, view_at, mtime) VALUES ");
        for (int i = 0; i < rows.size(); i++) {
            sql.append(i == 0 ? "" : ",").append("(?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3))");
        }
        sql.append(ON_DUPLICATE);
        return shards.withConnection(router.databaseOfTable(table), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int p = 1;
                for (HistoryRecord r : rows) {
                    ps.setLong(p++, r.mid());
                    ps.setInt(p++, HistoryRows.businessCode(r.kid().business()));
                    ps.setLong(p++, r.kid().id());
                    ps.setLong(p++, r.cid());
                    ps.setLong(p++, r.progress());
                    ps.setString(p++, HistoryRows.platform(r.platform()));
                    ps.setLong(p++, r.viewAt());
                }
                return ps.executeUpdate();
            }
        });
    }

    // ---------------------------------------------------------------------------------------------------- read

    /**
     * Served by {@code ix_mid_view_at}: newest first, ties in {@code view_at} by business then id (descending),
     * the index's own order. A row of a business this version does not know (written by a newer one) is left out.
     */
    @Override
    public List<HistoryRecord> list(long mid, long beforeViewAt, Business business, int limit) {
        requireMid(mid);
        if (limit <= 0) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder("SELECT ").append(HistoryRows.COLS).append(" FROM ")
                .append(router.tableName(mid)).append(" WHERE mid = ?");
        if (beforeViewAt > 0) {
            sql.append(" AND view_at < ?");
        }
        if (business != null) {
            sql.append(" AND business = ?");
        }
        sql.append(" ORDER BY view_at DESC, business DESC, oid DESC LIMIT ?");
        return shards.withConnection(router.database(mid), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int p = 1;
                ps.setLong(p++, mid);
                if (beforeViewAt > 0) {
                    ps.setLong(p++, beforeViewAt);
                }
                if (business != null) {
                    ps.setInt(p++, HistoryRows.businessCode(business));
                }
                ps.setInt(p, limit);
                List<HistoryRecord> out = new ArrayList<>(Math.min(limit, 100));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        HistoryRecord r = HistoryRows.record(rs);
                        if (r != null) {
                            out.add(r);
                        }
                    }
                }
                return out;
            }
        });
    }

    // -------------------------------------------------------------------------------------------------- delete

    @Override
    public void delete(long mid, Collection<Kid> kids) {
        requireMid(mid);
        if (kids == null || kids.isEmpty()) {
            return;
        }
        // OR of (business, oid) pairs rather than a row-constructor IN: every engine turns it into primary key
        // ranges under the mid prefix.
        List<Kid> distinct = new ArrayList<>(new LinkedHashSet<>(kids));
        for (int from = 0; from < distinct.size(); from += CHUNK) {
            List<Kid> part = distinct.subList(from, Math.min(distinct.size(), from + CHUNK));
            StringBuilder sql = new StringBuilder("DELETE FROM ").append(router.tableName(mid))
                    .append(" WHERE mid = ? AND (");
            for (int i = 0; i < part.size(); i++) {
                sql.append(i == 0 ? "" : " OR ").append("(business = ? AND oid = ?)");
            }
            sql.append(')');
            shards.withConnection(router.database(mid), c -> {
                try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                    int p = 1;
                    ps.setLong(p++, mid);
                    for (Kid k : part) {
                        ps.setInt(p++, HistoryRows.businessCode(k.business()));
                        ps.setLong(p++, k.id());
                    }
                    return ps.executeUpdate();
                }
            });
        }
    }

    @Override
    public void clear(long mid) {
        requireMid(mid);
        shards.withConnection(router.database(mid), c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + router.tableName(mid) + " WHERE mid = ?")) {
                ps.setLong(1, mid);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * One small step of retention: {@code DELETE ... WHERE view_at < ? LIMIT n} (served by {@code ix_view_at}) per
     * table, until {@code limit} rows are gone or every table was visited. Fewer than {@code limit} returned means
     * no older row is left. Each statement is short, so a purge never holds many locks for long.
     */
    @Override
    public int purgeBefore(long viewAtBefore, int limit) {
        if (limit <= 0 || viewAtBefore <= 0) {
            return 0;
        }
        int tables = router.tables();
        int start = Math.floorMod(purgeFrom.get(), tables);
        int remaining = limit;
        for (int i = 0; i < tables && remaining > 0; i++) {
            int table = (start + i) % tables;
            int budget = remaining;
            int deleted = shards.withConnection(router.databaseOfTable(table), c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM " + HistoryRouter.name(table) + " WHERE view_at < ? LIMIT ?")) {
                    ps.setLong(1, viewAtBefore);
                    ps.setInt(2, budget);
                    return ps.executeUpdate();
                }
            });
            remaining -= deleted;
            if (remaining == 0) {
                purgeFrom.set(table); // this table may hold more: start the next step here
            }
        }
        return limit - remaining;
    }

    private static void requireMid(long mid) {
        if (mid <= 0) {
            throw new IllegalArgumentException("mid must be positive, was " + mid);
        }
    }
}
