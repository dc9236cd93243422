package dev.plaza.comment.data.search;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The JDBC driver Debezium's MySQL connector is given ({@code database.jdbc.driver}) when it reads a MariaDB server:
 * MySQL Connector/J underneath, with one statement translated. The connector asks {@code SHOW BINARY LOG STATUS}
 * (MySQL 8.4's name) for the binlog position and falls back to {@code SHOW MASTER STATUS} only for servers whose
 * {@code VERSION()} is below 8.4; MariaDB 10.11 reports "10.11.5-MariaDB" and is refused. This driver sends
 * {@code SHOW MASTER STATUS} instead (same columns on MariaDB). Every other statement passes through unchanged.
 *
 * <p>Needed only because the Debezium MariaDB connector is not published at the Debezium version the product uses
 * (see the notes of this package). Connector/J's own interceptor hook cannot do this: Debezium strips
 * {@code queryInterceptors} from the connection properties.
 *
 * <p>URLs: {@code jdbc:plaza-mariadb://host:port/...} becomes {@code jdbc:mysql://host:port/...}.
 */
public final class MariaDbCompatDriver implements Driver {
    /** What Debezium's {@code database.protocol} is set to. */
    public static final String PROTOCOL = "jdbc:plaza-mariadb";
    private static final String PREFIX = PROTOCOL + ":";
    private static final String MYSQL_PREFIX = "jdbc:mysql:";

    static {
        try {
            DriverManager.registerDriver(new MariaDbCompatDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Driver delegate = new com.mysql.cj.jdbc.Driver();

    public MariaDbCompatDriver() throws SQLException {
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (!acceptsURL(url)) {
            return null;
        }
        Connection c = delegate.connect(MYSQL_PREFIX + url.substring(PREFIX.length()), info);
        return c == null ? null : connection(c);
    }

    @Override
    public boolean acceptsURL(String url) {
        return url != null && url.startsWith(PREFIX);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
        return delegate.getPropertyInfo(MYSQL_PREFIX + url.substring(PREFIX.length()), info);
    }

    @Override
    public int getMajorVersion() {
        return delegate.getMajorVersion();
    }

    @Override
    public int getMinorVersion() {
        return delegate.getMinorVersion();
    }

    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    /** The statement MariaDB understands for one MySQL spelling it does not. */
    static String translate(String sql) {
        if (sql != null && sql.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT).equals("SHOW BINARY LOG STATUS")) {
            return "SHOW MASTER STATUS";
        }
        return sql;
    }

    private static Connection connection(Connection real) {
        Connection[] self = new Connection[1];
        self[0] = (Connection) Proxy.newProxyInstance(MariaDbCompatDriver.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, m, args) -> {
                    String name = m.getName();
                    if ((name.equals("prepareStatement") || name.equals("prepareCall") || name.equals("nativeSQL"))
                            && args != null && args[0] instanceof String sql) {
                        args[0] = translate(sql);
                    }
                    Object out = invoke(real, m, args);
                    if (name.equals("createStatement") && out instanceof Statement st) {
                        return statement(st, self[0]);
                    }
                    return out;
                });
        return self[0];
    }

    private static Statement statement(Statement real, Connection owner) {
        InvocationHandler h = (proxy, m, args) -> {
            String name = m.getName();
            if (name.equals("getConnection")) {
                return owner;
            }
            if (args != null && args.length > 0 && args[0] instanceof String sql
                    && (name.startsWith("execute") || name.equals("addBatch"))) {
                args[0] = translate(sql);
            }
            return invoke(real, m, args);
        };
        Class<?> iface = real instanceof CallableStatement ? CallableStatement.class
                : real instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
        return (Statement) Proxy.newProxyInstance(MariaDbCompatDriver.class.getClassLoader(), new Class<?>[] {iface}, h);
    }

    private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
