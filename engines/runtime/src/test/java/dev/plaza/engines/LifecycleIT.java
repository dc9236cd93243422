package dev.plaza.engines;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start everything on a fresh data dir (cold), write to every engine, stop, check no process is left, start again on
 * the same dir (warm) and read it all back. Prints the start times of both runs.
 */
@Order(1)
class LifecycleIT {
    private static final Set<EngineKind> ALL = EnumSet.allOf(EngineKind.class);

    @TempDir
    Path tmp;

    @Test
    void restartKeepsTheDataOfEveryEngineAndStopLeavesNoProcessBehind() throws Exception {
        Path dir = tmp.resolve("data");
        Set<Long> before = descendants();
        Map<EngineKind, Duration> cold;
        Map<EngineKind, Duration> warm;
        Map<EngineKind, Long> pids;
        String clusterId;
        FileTime installedAt;

        try (Engines engines = Engines.start(dir, ALL)) {
            cold = engines.startTimes();
            pids = engines.pids();
            assertThat(pids.keySet()).isEqualTo(ALL);
            Set<Long> running = descendants();
            pids.forEach((kind, pid) -> assertThat(running).as(kind + " pid among our descendants").contains(pid));

            Endpoints e = engines.endpoints();
            e.createDatabase("lifecycle");
            sql(e, "CREATE TABLE kept (id INT PRIMARY KEY, note VARCHAR(50))", "INSERT INTO kept VALUES (1, 'survives')");
            redis(e, c -> c.sync().set("lifecycle", "survives"));
            produce(e, "lifecycle", "survives");
            zookeeper(e, c -> c.create().creatingParentsIfNeeded().forPath("/lifecycle", bytes("survives")));
            assertThat(http(e, "PUT", "/lifecycle/_doc/1?refresh=true", "{\"note\":\"survives\"}").statusCode())
                    .isEqualTo(201);

            clusterId = kafkaClusterId(dir);
            installedAt = Files.getLastModifiedTime(dir.resolve("mariadb/installed"));
        }
        assertGone(pids, before);
        assertThat(dir.resolve("kafka/pid")).doesNotExist();

        try (Engines engines = Engines.start(dir, ALL)) {
            warm = engines.startTimes();
            pids = engines.pids();
            Endpoints e = engines.endpoints();
            assertThat(sqlQuery(e, "SELECT note FROM kept WHERE id = 1")).isEqualTo("survives");
            String cached = redis(e, c -> c.sync().get("lifecycle"));
            assertThat(cached).isEqualTo("survives");
            assertThat(consumeFirst(e, "lifecycle")).isEqualTo("survives");
            assertThat(new String(zookeeper(e, c -> c.getData().forPath("/lifecycle")), StandardCharsets.UTF_8))
                    .isEqualTo("survives");
            HttpResponse<String> doc = http(e, "GET", "/lifecycle/_doc/1", null);
            assertThat(doc.statusCode()).isEqualTo(200);
            assertThat(doc.body()).contains("survives");

            // no re-install, no re-format
            assertThat(Files.getLastModifiedTime(dir.resolve("mariadb/installed"))).isEqualTo(installedAt);
            assertThat(Files.readString(engines.logFile(EngineKind.MARIADB))).contains("reusing the installed data dir");
            assertThat(kafkaClusterId(dir)).isEqualTo(clusterId);
            assertThat(Files.readString(engines.logFile(EngineKind.KAFKA))).contains("reusing formatted log directory");
        }
        assertGone(pids, before);

        StringBuilder report = new StringBuilder("engine start times (ms), parallel start of all five on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores\n")
                .append(String.format("%-11s %6s %6s%n", "engine", "cold", "warm"));
        for (EngineKind kind : ALL) {
            report.append(String.format("%-11s %6d %6d%n", kind, cold.get(kind).toMillis(), warm.get(kind).toMillis()));
        }
        System.out.print(report);
        Path out = Path.of("target", "engine-start-times.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void assertGone(Map<EngineKind, Long> pids, Set<Long> before) {
        pids.forEach((kind, pid) -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .as(kind + " pid " + pid + " alive after close").isFalse());
        Set<Long> left = new HashSet<>(descendants());
        left.removeAll(before);
        assertThat(left).as("child processes left after close: " + describe(left)).isEmpty();
    }

    static Set<Long> descendants() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }

    private static String describe(Set<Long> pids) {
        return pids.stream().map(p -> p + "=" + ProcessHandle.of(p).flatMap(h -> h.info().commandLine()).orElse("?"))
                .collect(Collectors.joining(", "));
    }

    static void sql(Endpoints e, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(e.jdbcUrl("lifecycle"), e.mariadbUser(), e.mariadbPassword());
             Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    static String sqlQuery(Endpoints e, String query) throws Exception {
        try (Connection c = DriverManager.getConnection(e.jdbcUrl("lifecycle"), e.mariadbUser(), e.mariadbPassword());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    interface RedisCall<T> {
        T call(StatefulRedisConnection<String, String> c) throws Exception;
    }

    static <T> T redis(Endpoints e, RedisCall<T> call) throws Exception {
        RedisClient client = RedisClient.create(e.redisUri());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return call.call(c);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    interface ZkCall<T> {
        T call(CuratorFramework c) throws Exception;
    }

    static <T> T zookeeper(Endpoints e, ZkCall<T> call) throws Exception {
        try (CuratorFramework c = CuratorFrameworkFactory.newClient(e.zookeeperConnect(), new RetryOneTime(200))) {
            c.start();
            assertThat(c.blockUntilConnected(30, TimeUnit.SECONDS)).isTrue();
            return call.call(c);
        }
    }

    static void produce(Endpoints e, String topic, String value) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, e.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            p.send(new ProducerRecord<>(topic, value)).get();
        }
    }

    static String consumeFirst(Endpoints e, String topic) {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, e.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "lifecycle-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    return r.value();
                }
            }
            return null;
        }
    }

    static HttpResponse<String> http(Endpoints e, String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(e.opensearchUrl() + path))
                .header("Content-Type", "application/json");
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String kafkaClusterId(Path dir) throws Exception {
        Properties meta = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve("kafka/data/meta.properties"))) {
            meta.load(in);
        }
        return meta.getProperty("cluster.id");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
