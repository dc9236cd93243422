package dev.plaza.comment.data.search;

import dev.plaza.kit.db.DbConfig;
import java.net.URI;

/** Host, port and database of a MySQL-protocol JDBC URL (the first host when it lists several). */
record DbTarget(String host, int port, String database, String user, String password) {
    static DbTarget of(DbConfig cfg) {
        String url = cfg.jdbcUrl();
        int scheme = url.indexOf("://");
        if (!url.startsWith("jdbc:") || scheme < 0) {
            throw new IllegalArgumentException("not a jdbc:mariadb:// or jdbc:mysql:// URL: " + url);
        }
        String rest = url.substring(scheme + 3);
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String hosts = slash < 0 ? rest : rest.substring(0, slash);
        String db = slash < 0 ? "" : rest.substring(slash + 1);
        if (db.isEmpty() || !db.matches("[A-Za-z0-9_$]{1,64}")) {
            throw new IllegalArgumentException("the JDBC URL must name a plain database: " + url);
        }
        String first = hosts.split(",")[0];
        URI u = URI.create("tcp://" + first);
        int port = u.getPort() < 0 ? 3306 : u.getPort();
        return new DbTarget(u.getHost(), port, db, cfg.user(), cfg.password() == null ? "" : cfg.password());
    }

    /** The server, for grouping databases that one binlog reader can follow. */
    String server() {
        return host + ":" + port;
    }
}
