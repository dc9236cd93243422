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
}
