package dev.plaza.comment.data.db;

import dev.plaza.comment.biz.CommentStore;
import dev.plaza.comment.biz.ReplyState;
import dev.plaza.comment.biz.SubjectKey;
import dev.plaza.engines.Endpoints;
import dev.plaza.kit.db.DbConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Fresh comment databases with small table counts (4 / 8 / 8 / 8), the store and the read repo over them. */
public final class CommentDbFixture implements AutoCloseable {
    private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis() << 8);

    public final CommentShards shards;
    public final ShardedCommentStore store;
    public final ShardedCommentReadRepo repo;

    private CommentDbFixture(CommentShards shards) {
        this.shards = shards;
        this.store = new ShardedCommentStore(shards, Clock.systemUTC());
        this.repo = new ShardedCommentReadRepo(shards);
    }

    /** Drops and recreates {@code names}, then opens them as one sharded set. */
    public static CommentDbFixture fresh(Endpoints endpoints, String... names) throws Exception {
        for (String n : names) {
            endpoints.dropDatabase(n);
        }
        return open(endpoints, 4, 8, 8, 8, names);
    }

    public static CommentDbFixture open(Endpoints endpoints, int subjects, int indexes, int contents, int actions,
                                        String... names) {
        List<DbConfig> dbs = java.util.Arrays.stream(names).map(n -> db(endpoints, n)).toList();
        return new CommentDbFixture(CommentShards.open(new CommentDbConfig(dbs, subjects, indexes, contents, actions),
                new SimpleMeterRegistry()));
    }

    public static DbConfig db(Endpoints endpoints, String name) {
        return new DbConfig(endpoints.jdbcUrl(name), endpoints.mariadbUser(), endpoints.mariadbPassword(), 12,
                Duration.ofSeconds(10));
    }

    /** A fresh, increasing id (like a snowflake: later calls give larger ids). */
    public static long id() {
        return IDS.incrementAndGet();
    }

    public static CommentStore.NewReply root(SubjectKey key, long mid, String text) {
        return new CommentStore.NewReply(id(), key, mid, 0, 0, text, List.of(), "127.0.0.1", "web", "test",
                ReplyState.NORMAL, Instant.now());
    }

    public static CommentStore.NewReply reply(SubjectKey key, long mid, long root, long parent, String text) {
        return new CommentStore.NewReply(id(), key, mid, root, parent, text, List.of(), "127.0.0.1", "web", "test",
                ReplyState.NORMAL, Instant.now());
    }

    public static CommentStore.NewReply withState(CommentStore.NewReply r, int state) {
        return new CommentStore.NewReply(r.rpid(), r.key(), r.mid(), r.root(), r.parent(), r.message(), r.atMids(),
                r.ip(), r.platform(), r.device(), state, r.ctime());
    }

    /** {@code SELECT COUNT(*) FROM <table of the oid> WHERE ...} on the oid's database (tests only). */
    public long count(long oid, String family, String where, Object... args) {
        ShardRouter r = shards.router();
        String table = switch (family) {
            case ShardRouter.SUBJECT -> r.subjectTable(oid);
            case ShardRouter.INDEX -> r.indexTable(oid);
            case ShardRouter.CONTENT -> r.contentTable(oid);
            case ShardRouter.ACTION -> r.actionTable(oid);
            default -> throw new IllegalArgumentException(family);
        };
        return shards.withConnection(oid, c -> query(c, "SELECT COUNT(*) FROM " + table + " WHERE " + where, args));
    }

    private static long query(Connection c, String sql, Object... args) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public void close() {
        shards.close();
    }
}
