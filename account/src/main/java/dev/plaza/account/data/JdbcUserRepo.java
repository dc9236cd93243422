package dev.plaza.account.data;

import dev.plaza.account.biz.User;
import dev.plaza.account.biz.UserRepo;
import dev.plaza.kit.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Users in the {@code account_user} table. */
public final class JdbcUserRepo implements UserRepo {
    private static final String COLUMNS = "mid, username, password_hash, face, sign, is_admin, ctime_ms";

    private final Database db;
    private final Clock clock;

    public JdbcUserRepo(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Optional<User> create(String username, String passwordHash, String face, boolean admin) {
        long now = clock.millis();
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO account_user (username, password_hash, face, is_admin, ctime_ms, mtime_ms) "
                            + "VALUES (?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, username);
                ps.setString(2, passwordHash);
                ps.setString(3, face);
                ps.setBoolean(4, admin);
                ps.setLong(5, now);
                ps.setLong(6, now);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    long mid = keys.getLong(1);
                    return Optional.of(new User(mid, username, passwordHash, face, "", admin, Instant.ofEpochMilli(now)));
                }
            } catch (SQLIntegrityConstraintViolationException duplicate) {
                return Optional.empty();
            }
        });
    }

    @Override
    public Optional<User> findByUsername(String username) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM account_user WHERE username = ?")) {
                ps.setString(1, username);
                return one(ps);
            }
        });
    }

    @Override
    public Optional<User> findByMid(long mid) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM account_user WHERE mid = ?")) {
                ps.setLong(1, mid);
                return one(ps);
            }
        });
    }

    @Override
    public Map<Long, User> findByMids(Collection<Long> mids) {
        if (mids.isEmpty()) {
            return Map.of();
        }
        String marks = mids.stream().map(m -> "?").collect(Collectors.joining(","));
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM account_user WHERE mid IN (" + marks + ")")) {
                int i = 1;
                for (long mid : mids) {
                    ps.setLong(i++, mid);
                }
                Map<Long, User> out = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        User u = map(rs);
                        out.put(u.mid(), u);
                    }
                }
                return out;
            }
        });
    }

    @Override
    public List<User> findByUsernames(Collection<String> usernames) {
        if (usernames.isEmpty()) {
            return List.of();
        }
        String marks = usernames.stream().map(m -> "?").collect(Collectors.joining(","));
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM account_user WHERE username IN (" + marks + ")")) {
                int i = 1;
                for (String name : usernames) {
                    ps.setString(i++, name);
                }
                List<User> out = new ArrayList<>();
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
    public boolean setAdmin(long mid, boolean admin) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE account_user SET is_admin = ?, mtime_ms = ? WHERE mid = ?")) {
                ps.setBoolean(1, admin);
                ps.setLong(2, clock.millis());
                ps.setLong(3, mid);
                // MariaDB reports matched rows only when asked; re-read to tell "no such user" from "no change".
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM account_user WHERE mid = ?")) {
                ps.setLong(1, mid);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public long count() {
        return db.withConnection(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM account_user")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static Optional<User> one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(map(rs)) : Optional.empty();
        }
    }

    private static User map(ResultSet rs) throws SQLException {
        return new User(rs.getLong("mid"), rs.getString("username"), rs.getString("password_hash"),
                rs.getString("face"), rs.getString("sign"), rs.getBoolean("is_admin"),
                Instant.ofEpochMilli(rs.getLong("ctime_ms")));
    }
}
