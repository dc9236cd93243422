package dev.plaza.kit.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.plaza.kit.errors.PlazaError;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * A pooled connection to one database with its Flyway migrations. Pool metrics go to the given registry under
 * {@code hikaricp.*} tagged with the pool name.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource pool;
    private final String name;

    private Database(HikariDataSource pool, String name) {
        this.pool = pool;
        this.name = name;
    }

    public static Database open(DbConfig cfg, String poolName, MeterRegistry meters) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(poolName);
        hc.setJdbcUrl(withCreateDatabase(cfg.jdbcUrl()));
        hc.setUsername(cfg.user());
        hc.setPassword(cfg.password());
        hc.setMaximumPoolSize(cfg.maxPoolSize());
        hc.setMinimumIdle(Math.min(2, cfg.maxPoolSize()));
        hc.setConnectionTimeout(Math.max(250, cfg.connectionTimeout().toMillis()));
        hc.setInitializationFailTimeout(-1);
        if (meters != null) {
            hc.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
        }
        return new Database(new HikariDataSource(hc), poolName);
    }

    /** Applies the migrations under {@code classpath:<location>}, e.g. {@code db/account}. */
    public void migrate(String location) {
        Flyway.configure()
                .dataSource(pool)
                .locations("classpath:" + location)
                .baselineOnMigrate(true)
                .load()
                .migrate();
    }

    public DataSource dataSource() {
        return pool;
    }

    public String name() {
        return name;
    }

    /** A connection from the pool; a pool that cannot hand one out in time is reported as overload (-503). */
    public Connection connection() {
        try {
            return pool.getConnection();
        } catch (SQLTransientConnectionException e) {
            throw PlazaError.overloaded("DB_POOL_EXHAUSTED", "database " + name + " is busy, retry later").withCause(e);
        } catch (SQLException e) {
            throw PlazaError.internal("database " + name + " unavailable", e);
        }
    }

    /** Runs {@code work} in one transaction: commit on return, rollback on any exception. */
    public <T> T inTransaction(SqlWork<T> work) {
        try (Connection c = connection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (Exception e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (PlazaError e) {
            throw e;
        } catch (Exception e) {
            throw PlazaError.internal("database " + name + " transaction failed", e);
        }
    }

    /** Runs {@code work} on a pooled connection in auto-commit mode. */
    public <T> T withConnection(SqlWork<T> work) {
        try (Connection c = connection()) {
            return work.run(c);
        } catch (PlazaError e) {
            throw e;
        } catch (Exception e) {
            throw PlazaError.internal("database " + name + " query failed", e);
        }
    }

    public boolean isHealthy() {
        try (Connection c = pool.getConnection()) {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    static String withCreateDatabase(String url) {
        if (!url.startsWith("jdbc:mariadb:") || url.contains("createDatabaseIfNotExist")) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + "createDatabaseIfNotExist=true";
    }

    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws Exception;
    }
}
