package dev.plaza.kit.db;

import java.time.Duration;

/**
 * One MySQL-protocol database (MariaDB, MySQL or TiDB).
 *
 * @param jdbcUrl           e.g. {@code jdbc:mariadb://127.0.0.1:3306/plaza_account}; the database is created when missing
 * @param maxPoolSize       connections kept by the pool; virtual threads beyond it wait up to the connection timeout
 * @param connectionTimeout how long a caller waits for a pooled connection before failing fast with -503
 */
public record DbConfig(String jdbcUrl, String user, String password, int maxPoolSize, Duration connectionTimeout) {
    public DbConfig {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
            throw new IllegalArgumentException("jdbcUrl must start with jdbc: but was " + jdbcUrl);
        }
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be at least 1");
        }
    }

    /**
     * This database with the driver asked for MySQL's "affected rows" rather than "found rows" (both MariaDB
     * Connector/J and MySQL Connector/J default to found rows): only then does {@code INSERT ... ON DUPLICATE KEY
     * UPDATE} or an {@code UPDATE} report 0 for a row it left unchanged, which idempotent writers use to tell a
     * redelivery from a change. A URL that sets the option itself is left alone.
     */
    public DbConfig withAffectedRows() {
        if (jdbcUrl.contains("useAffectedRows")) {
            return this;
        }
        return new DbConfig(jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "useAffectedRows=true", user, password,
                maxPoolSize, connectionTimeout);
    }
}
