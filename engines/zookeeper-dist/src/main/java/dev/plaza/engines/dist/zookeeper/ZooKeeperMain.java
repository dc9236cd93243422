package dev.plaza.engines.dist.zookeeper;

import dev.plaza.engines.child.ChildSupport;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * Runs one standalone ZooKeeper server: {@code ZooKeeperMain <port> <base dir>}; snapshots and transaction logs go to
 * {@code <base dir>/data} and are kept across restarts. No admin server (it would want port 8080 and Jetty).
 */
public final class ZooKeeperMain {
    private ZooKeeperMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: ZooKeeperMain <port> <base dir>");
        }
        int port = Integer.parseInt(args[0]);
        Path base = Path.of(args[1]).toAbsolutePath();
        Path data = base.resolve("data");
        Files.createDirectories(data);
        // the embedded server writes its config to a new temp file in the base dir at every start; drop old ones
        try (DirectoryStream<Path> old = Files.newDirectoryStream(base, "zookeeper.configuration*.properties")) {
            for (Path p : old) {
                Files.deleteIfExists(p);
            }
        }

        Properties conf = new Properties();
        conf.setProperty("clientPort", Integer.toString(port));
        conf.setProperty("clientPortAddress", "127.0.0.1");
        conf.setProperty("dataDir", data.toString());
        conf.setProperty("tickTime", "2000");
        conf.setProperty("initLimit", "10");
        conf.setProperty("syncLimit", "5");
        conf.setProperty("maxClientCnxns", "0");
        conf.setProperty("admin.enableServer", "false");
        conf.setProperty("4lw.commands.whitelist", "srvr,ruok,mntr,stat");
        conf.setProperty("autopurge.snapRetainCount", "3");
        conf.setProperty("autopurge.purgeInterval", "1");

        ZooKeeperServerEmbedded server = ZooKeeperServerEmbedded.builder()
                .baseDir(base)
                .configuration(conf)
                .exitHandler(ExitHandler.EXIT) // a fatal server error ends the JVM, which the parent sees at once
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "plaza-zookeeper-stop"));
        server.start(60_000);
        ChildSupport.signalReady("zookeeper at " + server.getConnectionString());
        ChildSupport.parkForever();
    }
}
