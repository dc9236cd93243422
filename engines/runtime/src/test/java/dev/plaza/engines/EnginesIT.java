package dev.plaza.engines;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** Every engine, used through its real protocol. */
@Order(10)
@RequiresEngines({EngineKind.MARIADB, EngineKind.REDIS, EngineKind.KAFKA, EngineKind.ZOOKEEPER, EngineKind.OPENSEARCH})
class EnginesIT {
    private final Endpoints endpoints;

    EnginesIT(Endpoints endpoints) {
        this.endpoints = endpoints;
    }

    @Test
    void endpointsAreInjectedAndShared(Endpoints parameter) {
        assertThat(parameter).isEqualTo(endpoints).isEqualTo(EnginesExtension.endpoints());
        assertThat(endpoints.jdbcUrl("x")).isEqualTo("jdbc:mariadb://127.0.0.1:" + endpoints.mariadbPort() + "/x");
        assertThat(endpoints.redisUri()).isEqualTo("redis://127.0.0.1:" + endpoints.redisPort());
        assertThat(endpoints.kafkaBootstrap()).startsWith("127.0.0.1:");
        assertThat(endpoints.zookeeperConnect()).startsWith("127.0.0.1:");
        assertThat(endpoints.opensearchUrl()).startsWith("http://127.0.0.1:");
    }

    @Test
    void mariadbStoresRowsAndWritesARowBinlog() throws Exception {
        endpoints.createDatabase("engines_it");
        try (Connection c = DriverManager.getConnection(endpoints.jdbcUrl("engines_it"), endpoints.mariadbUser(),
                endpoints.mariadbPassword());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS greeting (id BIGINT PRIMARY KEY, text VARCHAR(100) NOT NULL)");
            s.execute("REPLACE INTO greeting VALUES (1, '你好, plaza 🎬')");
            try (ResultSet rs = s.executeQuery("SELECT text FROM greeting WHERE id = 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("你好, plaza 🎬");
            }
            assertThat(variable(s, "binlog_format")).isEqualTo("ROW");
            assertThat(variable(s, "log_bin")).isEqualTo("ON");
            assertThat(variable(s, "server_id")).isEqualTo("1");
            assertThat(variable(s, "character_set_server")).isEqualTo("utf8mb4");
            assertThat(variable(s, "max_connections")).isEqualTo("500");
            assertThat(variable(s, "version")).startsWith("10.11.");
            try (ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
                assertThat(rs.next()).as("binlog files").isTrue();
                assertThat(rs.getString(1)).startsWith("mariadb-bin.");
            }
        }
    }

    private static String variable(Statement s, String name) throws Exception {
        try (ResultSet rs = s.executeQuery("SHOW VARIABLES LIKE '" + name + "'")) {
            assertThat(rs.next()).as(name).isTrue();
            return rs.getString(2);
        }
    }

    @Test
    void redisSetsAndGets() {
        RedisClient client = RedisClient.create(endpoints.redisUri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().set("plaza:engines-it", "hello");
            assertThat(connection.sync().get("plaza:engines-it")).isEqualTo("hello");
            assertThat(connection.sync().info("server")).contains("redis_version:6.2");
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void kafkaProducesAndConsumes() throws Exception {
        String topic = "engines-it-" + UUID.randomUUID();
        Map<String, Object> producerConf = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConf)) {
            RecordMetadata meta = producer.send(new ProducerRecord<>(topic, "video-1", "first comment")).get();
            assertThat(meta.offset()).isZero();
        }
        Map<String, Object> consumerConf = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "engines-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConf)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            ConsumerRecord<String, String> got = null;
            while (got == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    got = r;
                }
            }
            assertThat(got).as("consumed record").isNotNull();
            assertThat(got.key()).isEqualTo("video-1");
            assertThat(got.value()).isEqualTo("first comment");
            consumer.commitSync();
        }
    }

    @Test
    void zookeeperStoresZnodes() throws Exception {
        try (CuratorFramework curator = CuratorFrameworkFactory.newClient(endpoints.zookeeperConnect(),
                new RetryOneTime(200))) {
            curator.start();
            assertThat(curator.blockUntilConnected(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            String path = "/plaza/engines-it/" + UUID.randomUUID();
            curator.create().creatingParentsIfNeeded().forPath(path, "comment-service".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(curator.getData().forPath(path), StandardCharsets.UTF_8)).isEqualTo("comment-service");
        }
    }

    @Test
    void opensearchIndexesAndSearches() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String index = "engines-it-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> put = http.send(HttpRequest.newBuilder(
                        URI.create(endpoints.opensearchUrl() + "/" + index + "/_doc/1?refresh=true"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"content\":\"the plaza comment search works\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        HttpResponse<String> search = http.send(HttpRequest.newBuilder(
                        URI.create(endpoints.opensearchUrl() + "/" + index + "/_search"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"query\":{\"match\":{\"content\":\"search\"}}}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
        assertThat(search.body()).contains("\"total\":{\"value\":1").contains("the plaza comment search works");
    }
}
