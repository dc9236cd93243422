package dev.plaza.archive.data;

import dev.plaza.archive.biz.Archive;
import dev.plaza.archive.biz.ArchiveDraft;
import dev.plaza.archive.biz.ArchiveRepo;
import dev.plaza.kit.db.Database;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Videos in {@code archive} and {@code archive_page}; creating one also writes its CREATED event to
 * {@code archive_outbox} in the same transaction (the transactional outbox), then nudges the relay.
 */
public final class JdbcArchiveRepo implements ArchiveRepo {
    private static final Logger log = LoggerFactory.getLogger(JdbcArchiveRepo.class);
    private static final String SELECT = "SELECT a.aid, p.cid, a.owner_mid, a.title, a.descr, a.duration, a.cover, "
            + "a.media_url, a.pubdate_ms, a.ctime_ms FROM archive a JOIN archive_page p ON p.aid = a.aid AND p.page = 1 ";

    private final Database db;
    private final Clock clock;
    private final Runnable afterCreate;

    /** @param afterCreate runs after each committed create (wakes the outbox relay); must not throw */
    public JdbcArchiveRepo(Database db, Clock clock, Runnable afterCreate) {
        this.db = db;
        this.clock = clock;
        this.afterCreate = afterCreate == null ? () -> { } : afterCreate;
    }

    @Override
    public Archive create(ArchiveDraft d) {
        long now = clock.millis();
        String traceparent = currentTraceparent();
        Archive created = db.inTransaction(c -> {
            long aid;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO archive (owner_mid, title, descr, duration, cover, media_url, pubdate_ms, ctime_ms, "
                            + "mtime_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, d.ownerMid());
                ps.setString(2, d.title());
                ps.setString(3, d.desc());
                ps.setInt(4, d.duration());
                ps.setString(5, d.cover());
                ps.setString(6, d.mediaUrl());
                ps.setLong(7, now);
                ps.setLong(8, now);
                ps.setLong(9, now);
                ps.executeUpdate();
                aid = generatedKey(ps);
            }
            long cid;
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO archive_page (aid, page, part, duration, ctime_ms) VALUES (?, 1, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, aid);
                ps.setString(2, d.title());
                ps.setInt(3, d.duration());
                ps.setLong(4, now);
                ps.executeUpdate();
                cid = generatedKey(ps);
            }
            Instant at = Instant.ofEpochMilli(now);
            Archive a = new Archive(aid, cid, d.ownerMid(), d.title(), d.desc(), d.duration(), d.cover(),
                    d.mediaUrl(), at, at);
            insertOutbox(c, a, now, traceparent);
            return a;
        });
        try {
            afterCreate.run();
        } catch (RuntimeException e) {
            log.warn("after-create hook failed (the relay will still find the event on its next poll): {}", e.toString());
        }
        return created;
    }

    @Override
    public Optional<Archive> find(long aid) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE a.aid = ?")) {
                ps.setLong(1, aid);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.<Archive>empty();
                }
            }
        });
    }

    @Override
    public Map<Long, Archive> findMany(Collection<Long> aids) {
        if (aids.isEmpty()) {
            return Map.of();
        }
        String marks = aids.stream().map(a -> "?").collect(Collectors.joining(","));
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE a.aid IN (" + marks + ")")) {
                int i = 1;
                for (long aid : aids) {
                    ps.setLong(i++, aid);
                }
                Map<Long, Archive> out = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Archive a = map(rs);
                        out.put(a.aid(), a);
                    }
                }
                return out;
            }
        });
    }

    @Override
    public List<Archive> list(OptionalLong ownerMid, long offset, int limit) {
        String where = ownerMid.isPresent() ? "WHERE a.owner_mid = ? " : "";
        return db.withConnection(c -> {
            // aid grows with time, so "newest first" is the primary key backwards (or ix_owner_aid backwards).
            try (PreparedStatement ps = c.prepareStatement(SELECT + where + "ORDER BY a.aid DESC LIMIT ? OFFSET ?")) {
                int i = 1;
                if (ownerMid.isPresent()) {
                    ps.setLong(i++, ownerMid.getAsLong());
                }
                ps.setInt(i++, limit);
                ps.setLong(i, offset);
                List<Archive> out = new ArrayList<>(limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                }
                return out;
            }
        });
    }

    @Override
    public long count(OptionalLong ownerMid) {
        return db.withConnection(c -> {
            String sql = "SELECT COUNT(*) FROM archive" + (ownerMid.isPresent() ? " WHERE owner_mid = ?" : "");
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (ownerMid.isPresent()) {
                    ps.setLong(1, ownerMid.getAsLong());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static void insertOutbox(Connection c, Archive a, long now, String traceparent) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO archive_outbox (aid, kind, payload, traceparent, created_ms) VALUES (?, 'CREATED', ?, ?, ?)")) {
            ps.setLong(1, a.aid());
            ps.setBytes(2, ArchiveEventCodec.created(a, now));
            ps.setString(3, traceparent);
            ps.setLong(4, now);
            ps.executeUpdate();
        }
    }

    /** The W3C traceparent of the request creating the video, so the event continues its trace; "" when none. */
    private static String currentTraceparent() {
        Map<String, String> carrier = new HashMap<>();
        W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
        String tp = carrier.get("traceparent");
        return tp == null || tp.length() > 128 ? "" : tp;
    }

    private static long generatedKey(PreparedStatement ps) throws SQLException {
        try (ResultSet keys = ps.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("no generated key returned");
            }
            return keys.getLong(1);
        }
    }

    private static Archive map(ResultSet rs) throws SQLException {
        return new Archive(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getInt(6), rs.getString(7), rs.getString(8), Instant.ofEpochMilli(rs.getLong(9)),
                Instant.ofEpochMilli(rs.getLong(10)));
    }
}
