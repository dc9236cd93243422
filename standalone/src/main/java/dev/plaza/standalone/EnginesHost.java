package dev.plaza.standalone;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.Engines;
import dev.plaza.kit.app.App;
import dev.plaza.kit.app.Lifecycle;
import dev.plaza.kit.db.DbConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./plaza run engines}: the embedded engines on their own, for trying the distributed mode on one machine. It
 * writes their addresses as a configuration file ({@code <data>/engines.yaml}) that role processes take with
 * {@code --config}: {@code ./plaza run account --config data/engines.yaml}.
 */
public final class EnginesHost {
    static final String FILE = "engines.yaml";

    private final StandaloneConfig cfg;
    private final Path dataDir;
    private final App app;
    private Engines engines;

    public EnginesHost(StandaloneConfig cfg, Path home) {
        this.cfg = cfg;
        this.dataDir = Standalone.dataDir(cfg, home);
        this.app = App.builder("plaza-engines")
                .add("engines", Lifecycle.of("engines", this::startEngines, this::stopEngines))
                .add("config", Lifecycle.of("config", this::writeConfig, () -> Files.deleteIfExists(configFile())))
                .shutdownTimeout(Duration.ofSeconds(60))
                .build();
    }

    public void start() throws Exception {
        app.installShutdownHook();
        app.start();
    }

    public void stop() {
        app.stop();
    }

    public void awaitShutdown() throws InterruptedException {
        app.awaitShutdown();
    }

    public Path configFile() {
        return dataDir.resolve(FILE);
    }

    public Endpoints endpoints() {
        return engines.endpoints();
    }

    private void startEngines() throws Exception {
        engines = Engines.start(dataDir, Standalone.engineKinds(cfg));
    }

    private void stopEngines() {
        if (engines != null) {
            engines.close();
        }
    }

    /** Written whole to a temporary file, then moved: a role starting meanwhile reads the old file or the new. */
    private void writeConfig() throws IOException {
        Path tmp = configFile().resolveSibling(FILE + ".tmp");
        Files.writeString(tmp, "# written by ./plaza run engines; the addresses of this run's engines\n"
                + new YAMLMapper().writeValueAsString(settings(cfg, engines.endpoints())));
        Files.move(tmp, configFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The settings that point every role at these engines (a mapping as the YAML file holds it). */
    static Map<String, Object> settings(StandaloneConfig cfg, Endpoints e) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("engines", Map.of("embedded", false));
        if (e.redisHost() != null) {
            root.put("redis", Map.of("uri", e.redisUri()));
        }
        if (e.kafkaBootstrap() != null) {
            root.put("kafka", Map.of("bootstrap", e.kafkaBootstrap()));
        }
        if (e.opensearchUrl() != null) {
            root.put("opensearch", Map.of("url", e.opensearchUrl()));
        }
        if (e.zookeeperConnect() != null) {
            root.put("discovery", Map.of("zookeeper", e.zookeeperConnect()));
        }
        if (e.mariadbHost() != null) {
            root.put("account", Map.of("db", db(e, cfg.account().db())));
            root.put("archive", Map.of("db", db(e, cfg.archive().db())));
            root.put("comment", Map.of("db", Map.of("databases", dbs(e, cfg.comment().db().databases()))));
            root.put("history", Map.of("db", Map.of("databases", dbs(e, cfg.history().db().databases()))));
            root.put("im", Map.of("pm", Map.of("db", Map.of("databases", dbs(e, cfg.im().pm().db().databases())))));
        }
        return root;
    }

    private static List<Map<String, Object>> dbs(Endpoints e, List<DbConfig> configured) {
        return configured.stream().map(d -> db(e, d)).toList();
    }

    private static Map<String, Object> db(Endpoints e, DbConfig configured) {
        DbConfig d = Standalone.pointAt(e, configured);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jdbcUrl", d.jdbcUrl());
        m.put("user", d.user());
        m.put("password", d.password());
        m.put("maxPoolSize", d.maxPoolSize());
        m.put("connectionTimeout", d.connectionTimeout().toMillis() + "ms");
        return m;
    }

    public void printBanner(PrintStream out) {
        Endpoints e = engines.endpoints();
        out.println();
        out.println("Plaza engines are up; data under " + dataDir);
        out.println("  MariaDB    " + e.mariadbHost() + ":" + e.mariadbPort() + "   Redis " + e.redisUri()
                + "   Kafka " + e.kafkaBootstrap());
        out.println("  ZooKeeper  " + e.zookeeperConnect() + "   OpenSearch " + e.opensearchUrl());
        out.println("  settings   " + configFile());
        out.println("Start roles with: ./plaza run <role> --config " + configFile());
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }
}
