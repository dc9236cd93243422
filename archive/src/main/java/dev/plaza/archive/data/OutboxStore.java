package dev.plaza.archive.data;

import dev.plaza.kit.db.Database;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The {@code archive_outbox} table as the relay uses it. Rows are claimed with a lease in one short auto-commit
 * statement (no transaction is held open while Kafka answers), so any number of relays can share the table: each
 * row is published by one relay at a time, and a relay that dies mid-batch only delays its rows until the lease ends.
 */
public final class OutboxStore {
    private static final int ERROR_MAX = 500;

    private final Database db;
    private final Clock clock;

    public OutboxStore(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** A claimed event. {@code attempts} counts earlier failed publishes. */
    public record Row(long id, long aid, String kind, byte[] payload, String traceparent, int attempts) {
    }

    /** Leases up to {@code limit} due rows (oldest first) for {@code lease} and returns them. */
    public List<Row> claim(int limit, Duration lease) {
        long now = clock.millis();
        String token = UUID.randomUUID().toString();
        return db.withConnection(c -> {
            int claimed;
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE archive_outbox SET lease_owner = ?, lease_until_ms = ? WHERE lease_until_ms <= ? "
                            + "ORDER BY id LIMIT ?")) {
                ps.setString(1, token);
                ps.setLong(2, now + lease.toMillis());
                ps.setLong(3, now);
                ps.setInt(4, limit);
                claimed = ps.executeUpdate();
            }
            if (claimed == 0) {
                return List.<Row>of();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, aid, kind, payload, traceparent, attempts FROM archive_outbox WHERE lease_owner = ? "
                            + "ORDER BY id")) {
                ps.setString(1, token);
                List<Row> rows = new ArrayList<>(claimed);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Row(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getBytes(4),
                                rs.getString(5), rs.getInt(6)));
                    }
                }
                return rows;
            }
        });
    }

    /** Removes published rows. */
    public void delete(Collection<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        String marks = ids.stream().map(i -> "?").collect(Collectors.joining(","));
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM archive_outbox WHERE id IN (" + marks + ")")) {
                int i = 1;
                for (long id : ids) {
                    ps.setLong(i++, id);
                }
                return ps.executeUpdate();
            }
        });
    }

    /** Gives a row back after a failed publish: due again after {@code backoff}, with one attempt more. */
    public void retryLater(long id, Duration backoff, String error) {
        String e = error == null ? "" : error.length() > ERROR_MAX ? error.substring(0, ERROR_MAX) : error;
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE archive_outbox SET lease_owner = '', lease_until_ms = ?, attempts = attempts + 1, "
                            + "last_error = ? WHERE id = ?")) {
                ps.setLong(1, clock.millis() + backoff.toMillis());
                ps.setString(2, e);
                ps.setLong(3, id);
                return ps.executeUpdate();
            }
        });
    }

    /** Rows not yet published (due or leased). */
    public long pending() {
        return db.withConnection(c -> {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM archive_outbox")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
