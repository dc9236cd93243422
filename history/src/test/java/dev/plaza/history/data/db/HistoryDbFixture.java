package dev.plaza.history.data.db;

import dev.plaza.engines.Endpoints;
import dev.plaza.history.biz.Business;
import dev.plaza.history.biz.HistoryKey;
import dev.plaza.history.biz.HistoryRecord;
import dev.plaza.history.biz.Kid;
import dev.plaza.kit.db.DbConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fresh history databases with a small table count, the store over them and direct SQL for checking rows. */
public final class HistoryDbFixture implements AutoCloseable {
    public final HistoryShards shards;
    public final ShardedHistoryStore store;

    private HistoryDbFixture(HistoryShards shards) {
        this.shards = shards;
        this.store = new ShardedHistoryStore(shards);
    }

    /** Drops and recreates {@code names}, then opens them as one sharded set of {@code tables} tables. */
    public static HistoryDbFixture fresh(Endpoints endpoints, int tables, String... names) throws Exception {
        for (String n : names) {
            endpoints.dropDatabase(n);
        }
        return open(endpoints, tables, names);
    }

    public static HistoryDbFixture open(Endpoints endpoints, int tables, String... names) {
        List<DbConfig> dbs = Arrays.stream(names).map(n -> db(endpoints, n)).toList();
        return new HistoryDbFixture(HistoryShards.open(new HistoryDbConfig(dbs, tables), new SimpleMeterRegistry()));
    }

    public static DbConfig db(Endpoints endpoints, String name) {
        return new DbConfig(endpoints.jdbcUrl(name), endpoints.mariadbUser(), endpoints.mariadbPassword(), 8,
                Duration.ofSeconds(10));
    }

    public static HistoryRecord rec(long mid, Business b, long id, long progress, long viewAt) {
        return new HistoryRecord(new HistoryKey(mid, new Kid(b, id)), id * 10, progress, "web", viewAt);
    }

    public static HistoryRecord rec(long mid, long aid, long progress, String platform, long viewAt) {
        return new HistoryRecord(new HistoryKey(mid, Kid.archive(aid)), aid * 10, progress, platform, viewAt);
    }

    /** {@code SELECT COUNT(*) FROM history_NN WHERE ...} summed over every table of every database. */
    public long countAll(String where, Object... args) {
        long n = 0;
        HistoryRouter r = shards.router();
        for (int t = 0; t < r.tables(); t++) {
            String sql = "SELECT COUNT(*) AS n FROM " + HistoryRouter.name(t) + " WHERE " + where;
            n += shards.withConnection(r.databaseOfTable(t),
                    c -> ((Number) query(c, sql, args).getFirst().get("n")).longValue());
        }
        return n;
    }

    /** Every column of the rows of table {@code table} matching {@code where}, ordered by primary key. */
    public List<Map<String, Object>> rows(int table, String where, Object... args) {
        String sql = "SELECT * FROM " + HistoryRouter.name(table) + " WHERE " + where + " ORDER BY mid, business, oid";
        return shards.withConnection(shards.router().databaseOfTable(table), c -> query(c, sql, args));
    }

    /** Every column of this mid's rows (from its table), ordered by primary key. */
    public List<Map<String, Object>> rowsOf(long mid) {
        return rows(shards.router().table(mid), "mid = ?", mid);
    }

    static List<Map<String, Object>> query(Connection c, String sql, Object... args) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        }
    }

    @Override
    public void close() {
        shards.close();
    }
}
