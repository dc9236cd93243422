package dev.plaza.comment.data.search;

import dev.plaza.comment.data.db.CommentDbConfig;
import dev.plaza.comment.data.db.CommentShards;
import dev.plaza.engines.Endpoints;
import dev.plaza.kit.db.DbConfig;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Comment tables on the real MariaDB, written with plain SQL the way the job writes them (or the way an operator
 * would edit them by hand), so the search side is tested against rows it did not produce itself.
 */
public final class SearchFixtures {
    private SearchFixtures() {
    }

    /** Fresh databases {@code <prefix>_0 .. _<n-1>}; table counts 4 (index/content) and 2 (subject/action) per db. */
    public static CommentDbConfig freshDatabases(Endpoints endpoints, String prefix, int databases) throws Exception {
        List<DbConfig> dbs = new ArrayList<>();
        for (int i = 0; i < databases; i++) {
            String name = prefix + "_" + i;
            endpoints.dropDatabase(name);
            dbs.add(new DbConfig(endpoints.jdbcUrl(name), endpoints.mariadbUser(), endpoints.mariadbPassword(), 4,
                    Duration.ofSeconds(5)));
        }
        return new CommentDbConfig(dbs, 2 * databases, 4 * databases, 4 * databases, 2 * databases);
    }

    /** Inserts the content row, then the index row, in the tables of {@code oid}. */
    public static void insert(CommentShards shards, Row r) {
        String content = shards.router().contentTable(r.oid());
        String index = shards.router().indexTable(r.oid());
        LocalDateTime t = LocalDateTime.ofInstant(r.ctime(), ZoneOffset.UTC);
        shards.withConnection(r.oid(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + content
                    + " (rpid, oid, type, message, ctime, mtime) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setLong(1, r.rpid());
                ps.setLong(2, r.oid());
                ps.setInt(3, r.type());
                ps.setString(4, r.message());
                ps.setObject(5, t);
                ps.setObject(6, t);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + index
                    + " (rpid, oid, type, mid, root, parent, dialog, `floor`, `like`, hate, state, attrs, ctime, mtime)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, 0, ?, ?)")) {
                ps.setLong(1, r.rpid());
                ps.setLong(2, r.oid());
                ps.setInt(3, r.type());
                ps.setLong(4, r.mid());
                ps.setLong(5, r.root());
                ps.setLong(6, r.root());
                ps.setLong(7, r.root());
                ps.setInt(8, r.floor());
                ps.setInt(9, r.like());
                ps.setInt(10, r.state());
                ps.setObject(11, t);
                ps.setObject(12, t);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Runs one UPDATE/DELETE on the database of {@code oid}; {@code %s} in the SQL is replaced by the table name. */
    public static int exec(CommentShards shards, long oid, boolean contentTable, String sqlWithTable, Object... args) {
        String table = contentTable ? shards.router().contentTable(oid) : shards.router().indexTable(oid);
        return shards.withConnection(oid, c -> {
            try (PreparedStatement ps = c.prepareStatement(String.format(sqlWithTable, table))) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                return ps.executeUpdate();
            }
        });
    }

    /** One comment's columns. */
    public record Row(long rpid, long oid, int type, long mid, long root, int floor, int like, int state,
                      String message, Instant ctime) {
        public static Row of(long rpid, long oid, long mid, String message, Instant ctime) {
            return new Row(rpid, oid, 1, mid, 0, (int) (rpid % 100_000), 0, 0, message, ctime);
        }

        public Row withState(int s) {
            return new Row(rpid, oid, type, mid, root, floor, like, s, message, ctime);
        }

        public Row withRoot(long r) {
            return new Row(rpid, oid, type, mid, r, floor, like, state, message, ctime);
        }

        public Row withType(int t) {
            return new Row(rpid, oid, t, mid, root, floor, like, state, message, ctime);
        }
    }
}
