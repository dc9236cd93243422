package dev.plaza.account.data;

import dev.plaza.account.biz.Session;
import dev.plaza.account.biz.SessionRepo;
import dev.plaza.kit.db.Database;
import dev.plaza.kit.redis.Redis;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions stored in MariaDB (so log-ins survive a Redis flush) with a Redis cache-aside in front, since every
 * authenticated request resolves one. Deleting removes the cache entry after the row, so a concurrent read that
 * re-fills the cache finds no row and caches nothing.
 */
public final class CachedSessionRepo implements SessionRepo {
    private static final Logger log = LoggerFactory.getLogger(CachedSessionRepo.class);
    private static final Duration CACHE_TTL = Duration.ofHours(1);
    private static final String KEY = "acct:sess:";

    private final Database db;
    private final Redis redis;
    private final Clock clock;

    public CachedSessionRepo(Database db, Redis redis, Clock clock) {
        this.db = db;
        this.redis = redis;
        this.clock = clock;
    }

    @Override
    public void save(Session s) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO account_session (token_hash, mid, csrf, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, s.tokenHash());
                ps.setLong(2, s.mid());
                ps.setString(3, s.csrf());
                ps.setLong(4, s.createdAt().toEpochMilli());
                ps.setLong(5, s.expiresAt().toEpochMilli());
                return ps.executeUpdate();
            }
        });
        cache(s);
    }

    @Override
    public Optional<Session> find(String tokenHash) {
        Optional<Session> cached = fromCache(tokenHash);
        if (cached.isPresent()) {
            return cached;
        }
        Optional<Session> stored = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT mid, csrf, created_ms, expires_ms FROM account_session WHERE token_hash = ?")) {
                ps.setString(1, tokenHash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Session>empty();
                    }
                    return Optional.of(new Session(tokenHash, rs.getLong(1), rs.getString(2),
                            Instant.ofEpochMilli(rs.getLong(3)), Instant.ofEpochMilli(rs.getLong(4))));
                }
            }
        });
        stored.ifPresent(this::cache);
        return stored;
    }

    @Override
    public void delete(String tokenHash) {
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM account_session WHERE token_hash = ?")) {
                ps.setString(1, tokenHash);
                return ps.executeUpdate();
            }
        });
        redis.sync().del(KEY + tokenHash);
    }

    private void cache(Session s) {
        long ttlMs = Math.min(CACHE_TTL.toMillis(), s.expiresAt().toEpochMilli() - clock.millis());
        if (ttlMs <= 0) {
            return;
        }
        try {
            redis.sync().psetex(KEY + s.tokenHash(), ttlMs,
                    s.mid() + "|" + s.csrf() + "|" + s.createdAt().toEpochMilli() + "|" + s.expiresAt().toEpochMilli());
        } catch (RuntimeException e) {
            // The row is the truth; a cache that cannot be written only costs a database read later.
            log.warn("session cache write failed: {}", e.toString());
        }
    }

    private Optional<Session> fromCache(String tokenHash) {
        String v;
        try {
            v = redis.sync().get(KEY + tokenHash);
        } catch (RuntimeException e) {
            log.warn("session cache read failed, reading the database: {}", e.toString());
            return Optional.empty();
        }
        if (v == null) {
            return Optional.empty();
        }
        String[] p = v.split("\\|");
        if (p.length != 4) {
            return Optional.empty();
        }
        return Optional.of(new Session(tokenHash, Long.parseLong(p[0]), p[1],
                Instant.ofEpochMilli(Long.parseLong(p[2])), Instant.ofEpochMilli(Long.parseLong(p[3]))));
    }
}
