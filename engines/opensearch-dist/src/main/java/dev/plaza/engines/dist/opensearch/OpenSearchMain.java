package dev.plaza.engines.dist.opensearch;

import dev.plaza.engines.child.ChildSupport;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Runs one single-node OpenSearch: {@code OpenSearchMain <base dir> <http port> <transport port> <cluster name>}.
 * Data lives in {@code <base dir>/node_1/data} and is kept across restarts. Ready means cluster health yellow.
 */
public final class OpenSearchMain {
    private OpenSearchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: OpenSearchMain <base dir> <http port> <transport port> <cluster name>");
        }
        Path base = Path.of(args[0]).toAbsolutePath();
        int httpPort = Integer.parseInt(args[1]);
        int transportPort = Integer.parseInt(args[2]);
        String clusterName = args[3];

        // our logging config (stdout only; the parent appends it to <data>/opensearch/opensearch.log) replaces the
        // runner's, which would also write rolling JSON files
        Path conf = base.resolve("node_1").resolve("config");
        Files.createDirectories(conf);
        try (InputStream in = OpenSearchMain.class.getResourceAsStream("/plaza/log4j2.properties")) {
            Files.copy(in, conf.resolve("log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
        }

        OpenSearchRunner runner = new OpenSearchRunner();
        runner.setMaxHttpPort(65535); // the runner refuses ports above 9299 by default
        runner.onBuild((number, settings) -> {
            settings.put("http.port", Integer.toString(httpPort));
            settings.put("transport.port", Integer.toString(transportPort));
            settings.put("network.host", "127.0.0.1");
            settings.put("discovery.type", "single-node");
            settings.put("node.name", "plaza");
            // a nearly full disk must not turn indices read-only on a developer machine
            settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (Exception e) {
                System.err.println("[plaza-opensearch] close failed: " + e);
            }
        }, "plaza-opensearch-stop"));
        runner.build(OpenSearchRunner.newConfigs()
                .basePath(base.toString())
                .numOfNode(1)
                .baseHttpPort(httpPort - 1)
                .clusterName(clusterName));
        runner.ensureYellow();
        ChildSupport.signalReady("opensearch at http://127.0.0.1:" + httpPort);
        ChildSupport.parkForever();
    }
}
