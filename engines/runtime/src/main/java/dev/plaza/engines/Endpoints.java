package dev.plaza.engines;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where the started engines listen. Fields of engines that were not started are {@code null} (or 0 for ports).
 *
 * <p>MariaDB: user {@code root} with an empty password, reachable from 127.0.0.1 only (the server binds to loopback).
 *
 * @param kafkaBootstrap    {@code 127.0.0.1:PORT}, for {@code bootstrap.servers}
 * @param zookeeperConnect  {@code 127.0.0.1:PORT}, a ZooKeeper/Curator connect string
 * @param opensearchUrl     {@code http://127.0.0.1:PORT}
 */
public record Endpoints(String mariadbHost, int mariadbPort, String mariadbUser, String mariadbPassword,
                        String redisHost, int redisPort, String kafkaBootstrap, String zookeeperConnect,
                        String opensearchUrl) {

    /** {@code jdbc:mariadb://127.0.0.1:PORT/DATABASE}; pass {@code ""} for no default database. */
    public String jdbcUrl(String database) {
        requireStarted(mariadbHost, EngineKind.MARIADB);
        return "jdbc:mariadb://" + mariadbHost + ":" + mariadbPort + "/" + (database == null ? "" : database);
    }

    /** {@code redis://127.0.0.1:PORT} */
    public String redisUri() {
        requireStarted(redisHost, EngineKind.REDIS);
        return "redis://" + redisHost + ":" + redisPort;
    }

    /**
     * Creates the database if it does not exist yet (utf8mb4). Needs a JDBC driver for {@code jdbc:mariadb:} on the
     * classpath (mariadb-java-client); this library does not bring one.
     */
    public void createDatabase(String name) throws SQLException {
        if (name == null || !name.matches("[A-Za-z0-9_$]{1,64}")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl(""), mariadbUser, mariadbPassword);
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS `" + name + "` CHARACTER SET utf8mb4");
        }
    }

    /** Drops the database if it exists. Same driver requirement as {@link #createDatabase(String)}. */
    public void dropDatabase(String name) throws SQLException {
        if (name == null || !name.matches("[A-Za-z0-9_$]{1,64}")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl(""), mariadbUser, mariadbPassword);
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + name + "`");
        }
    }

    private static void requireStarted(Object field, EngineKind kind) {
        if (field == null) {
            throw new IllegalStateException(kind + " was not started");
        }
    }
}
