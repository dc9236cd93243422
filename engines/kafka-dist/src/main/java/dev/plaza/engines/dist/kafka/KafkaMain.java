package dev.plaza.engines.dist.kafka;

import dev.plaza.engines.child.ChildSupport;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

/**
 * Runs one combined KRaft broker+controller: {@code KafkaMain <server.properties> <bootstrap host:port>}.
 *
 * <p>Formats the log directory only when it has no {@code meta.properties} yet (so a restart keeps its data and
 * cluster id), signals readiness once an admin client sees the broker in the cluster metadata, then hands the main
 * thread to {@code kafka.Kafka}, which installs its own shutdown hook for a clean stop on SIGTERM.
 */
public final class KafkaMain {
    private KafkaMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: KafkaMain <server.properties> <bootstrap host:port>");
        }
        Path config = Path.of(args[0]);
        String bootstrap = args[1];
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(config)) {
            props.load(in);
        }
        Path logDir = Path.of(props.getProperty("log.dirs").split(",")[0].trim());
        if (!Files.exists(logDir.resolve("meta.properties"))) {
            String clusterId = Uuid.randomUuid().toString();
            System.out.println("[plaza-kafka] formatting " + logDir + " with cluster id " + clusterId);
            int rc = kafka.tools.StorageTool.execute(
                    new String[] {"format", "-t", clusterId, "-c", config.toString(), "--ignore-formatted"}, System.out);
            if (rc != 0) {
                System.err.println("[plaza-kafka] formatting failed with exit code " + rc);
                System.exit(rc);
            }
        } else {
            System.out.println("[plaza-kafka] reusing formatted log directory " + logDir);
        }

        Thread readiness = new Thread(() -> awaitBrokerThenSignal(bootstrap), "plaza-kafka-readiness");
        readiness.setDaemon(true);
        readiness.start();

        kafka.Kafka.main(new String[] {config.toString()});
    }

    private static void awaitBrokerThenSignal(String bootstrap) {
        // first the listener (quietly), then the cluster metadata through a real client
        String host = bootstrap.substring(0, bootstrap.lastIndexOf(':'));
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 1_000);
                break;
            } catch (IOException e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
        Map<String, Object> conf = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50,
                AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200);
        try (Admin admin = Admin.create(conf)) {
            while (true) {
                try {
                    var nodes = admin.describeCluster().nodes().get();
                    if (!nodes.isEmpty()) {
                        Node node = nodes.iterator().next();
                        ChildSupport.signalReady("kafka broker " + node.id() + " at " + node.host() + ":" + node.port());
                        return;
                    }
                } catch (Exception e) {
                    // not up yet
                }
                Thread.sleep(Duration.ofMillis(100));
            }
        } catch (Exception e) {
            System.err.println("[plaza-kafka] readiness check failed: " + e);
        }
    }
}
