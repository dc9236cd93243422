package dev.plaza.kit.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    static final String DEFAULTS = "dev/plaza/kit/config/defaults.yaml";

    enum Mode { STANDALONE, DISTRIBUTED }

    record Http(int port, String host, Duration readTimeout, Optional<Duration> writeTimeout) {
    }

    record Mariadb(String jdbcUrl, String password, int poolSize) {
    }

    record Log(String format, Map<String, String> levels, Optional<String> file) {
    }

    record Kafka(List<String> brokers) {
    }

    record Root(Http http, Mariadb mariadb, Log log, Kafka kafka, Mode mode) {
    }

    @TempDir
    Path dir;

    private Config load(Optional<Path> file, Map<String, String> env, String... sets) {
        return ConfigLoader.load(DEFAULTS, file, env, List.of(sets));
    }

    @Test
    void defaultsBindToNestedRecords() {
        Root root = load(Optional.empty(), Map.of()).bind(Root.class);

        assertThat(root.http()).isEqualTo(new Http(8080, "0.0.0.0", Duration.ofSeconds(5), Optional.empty()));
        assertThat(root.mariadb().jdbcUrl()).isEqualTo("jdbc:mariadb://localhost:3306/plaza");
        assertThat(root.log().levels()).containsExactly(Map.entry("org.apache.kafka", "WARN"));
        assertThat(root.log().file()).isEmpty();
        assertThat(root.kafka().brokers()).containsExactly("localhost:9092");
        assertThat(root.mode()).isEqualTo(Mode.STANDALONE);
    }

    @Test
    void layersOverrideInOrderFileThenEnvThenSets() throws IOException {
        Path file = write("""
                http:
                  port: 9000
                  host: 127.0.0.1
                mode: distributed
                kafka:
                  brokers: [a:1, b:2]
                """);
        Map<String, String> env = Map.of(
                "PLAZA_HTTP_PORT", "9100",
                "PLAZA_MARIADB_JDBC_URL", "jdbc:mariadb://db:3306/x",
                "PLAZA_HTTP_WRITE_TIMEOUT", "250ms",
                "PATH", "/usr/bin");
        Root root = load(Optional.of(file), env, "http.port=9200").bind(Root.class);

        assertThat(root.http().port()).isEqualTo(9200);            // --set beats env beats file
        assertThat(root.http().host()).isEqualTo("127.0.0.1");     // file beats defaults
        assertThat(root.http().readTimeout()).isEqualTo(Duration.ofSeconds(5)); // untouched default survives merge
        assertThat(root.http().writeTimeout()).contains(Duration.ofMillis(250)); // env reaches a key absent from YAML
        assertThat(root.mariadb().jdbcUrl()).isEqualTo("jdbc:mariadb://db:3306/x");
        assertThat(root.kafka().brokers()).containsExactly("a:1", "b:2"); // lists replace, not append
        assertThat(root.mode()).isEqualTo(Mode.DISTRIBUTED);
    }

    @Test
    void envOverridesWithoutFileAndSetsAcceptCommaListsAndMaps() {
        Root root = load(Optional.empty(), Map.of(
                "PLAZA_KAFKA_BROKERS", "k1:9092, k2:9092",
                "PLAZA_LOG_LEVELS_ORG_APACHE_KAFKA", "ERROR"),
                "log.levels.io.grpc=DEBUG", "log.file=/tmp/plaza.log").bind(Root.class);

        assertThat(root.kafka().brokers()).containsExactly("k1:9092", "k2:9092");
        assertThat(root.log().levels()).containsEntry("org.apache.kafka", "ERROR").containsEntry("io.grpc", "DEBUG")
                .hasSize(2);
        assertThat(root.log().file()).contains("/tmp/plaza.log");
    }

    @Test
    void envNamesMatchCaseInsensitivelyIgnoringUnderscores() {
        Root root = load(Optional.empty(), Map.of("PLAZA_MARIADB_POOLSIZE", "16")).bind(Root.class);
        assertThat(root.mariadb().poolSize()).isEqualTo(16);
    }

    @Test
    void unknownKeyInFileNamesFullPathAndSuggests() throws IOException {
        Path file = write("http:\n  prot: 1\n");
        assertThatThrownBy(() -> load(Optional.of(file), Map.of()).bind(Root.class))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("unknown config key 'http.prot'")
                .hasMessageContaining("did you mean 'http.port'");
    }

    @Test
    void unknownKeyInSetsAndEnvIsRejected() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), "mariadb.user=x").bind(Root.class))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("unknown config key 'mariadb.user'");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of("PLAZA_REDIS_URL", "x")).bind(Root.class))
                .isInstanceOf(ConfigException.class).hasMessageContaining("PLAZA_REDIS_URL");
    }

    @Test
    void launcherVariablesAreNotConfig() {
        Root root = load(Optional.empty(), Map.of("PLAZA_HOME", "/opt/plaza")).bind(Root.class);
        assertThat(root.http().port()).isEqualTo(8080);
    }

    @Test
    void badValuesNameKeyAndValue() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), "http.port=abc").bind(Root.class))
                .isInstanceOf(ConfigException.class)
                .hasMessage("bad value for 'http.port': \"abc\" is not an int");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), "http.readTimeout=5").bind(Root.class))
                .hasMessageStartingWith("bad value for 'http.readTimeout': \"5\" is not a duration");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), "mode=cluster").bind(Root.class))
                .hasMessage("bad value for 'mode': \"cluster\" is not one of standalone, distributed");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), "http=1").bind(Root.class))
                .hasMessageStartingWith("bad value for 'http': ");
    }

    @Test
    void missingRequiredKeyIsNamed() throws IOException {
        record NeedsUser(String user, int port) {
        }
        record Holder(NeedsUser db) {
        }
        assertThatThrownBy(() -> ConfigLoader.load("dev/plaza/kit/config/empty.yaml", Optional.empty(), Map.of(),
                List.of("db.port=1")).bind(Holder.class))
                .isInstanceOf(ConfigException.class).hasMessage("missing required config key 'db.user'");
    }

    @Test
    void compactConstructorRejectionBecomesBadValue() {
        record Port(int port) {
            Port {
                if (port <= 0 || port > 65535) {
                    throw new IllegalArgumentException("port must be 1..65535, got " + port);
                }
            }
        }
        record Holder(Port http) {
        }
        assertThatThrownBy(() -> ConfigLoader.load("dev/plaza/kit/config/empty.yaml", Optional.empty(), Map.of(),
                List.of("http.port=70000")).bind(Holder.class))
                .hasMessage("bad value for 'http': port must be 1..65535, got 70000");
    }

    @Test
    void getAndFlattenShowEffectiveValues() {
        Config config = load(Optional.empty(), Map.of("PLAZA_HTTP_PORT", "9100"), "mariadb.poolSize=8");
        assertThat(config.get("http.port")).isEqualTo("9100");
        assertThat(config.get("log.levels.org.apache.kafka")).isEqualTo("WARN");
        assertThat(config.find("http.nothing")).isEmpty();
        assertThatThrownBy(() -> config.get("nope")).hasMessage("no config key 'nope'");
        assertThat(config.flatten()).containsEntry("mariadb.poolSize", "8")
                .containsEntry("kafka.brokers", "[\"localhost:9092\"]")
                .containsEntry("log.levels.org.apache.kafka", "WARN");
        assertThat(config.flatten().firstKey()).isEqualTo("http.host");
        assertThat(config.flattenRedacted()).containsEntry("mariadb.password", "******");
    }

    @Test
    void missingFileAndBadYamlAndBadSetAreReported() throws IOException {
        assertThatThrownBy(() -> load(Optional.of(dir.resolve("nope.yaml")), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.yaml' not found");
        Path broken = write("http: [unclosed\n");
        assertThatThrownBy(() -> load(Optional.of(broken), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not valid YAML");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), "novalue"))
                .hasMessage("bad --set 'novalue': expected key=value");
        assertThatThrownBy(() -> ConfigLoader.load("nope/missing.yaml", Optional.empty(), Map.of(), List.of()))
                .hasMessage("defaults resource 'nope/missing.yaml' not found on the classpath");
    }

    @Test
    void ambiguousEnvPrefersCanonicalName() {
        record Ab(String c) {
        }
        record A(String bc) {
        }
        record Holder(A a, Ab ab) {
        }
        Holder h = ConfigLoader.load("dev/plaza/kit/config/empty.yaml", Optional.empty(),
                Map.of("PLAZA_A_BC", "1", "PLAZA_AB_C", "2"), List.of()).bind(Holder.class);
        assertThat(h.a().bc()).isEqualTo("1");
        assertThat(h.ab().c()).isEqualTo("2");
        assertThatThrownBy(() -> ConfigLoader.load("dev/plaza/kit/config/empty.yaml", Optional.empty(),
                Map.of("PLAZA_ABC", "1"), List.of()).bind(Holder.class))
                .hasMessageContaining("ambiguous");
    }

    private Path write(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "plaza", ".yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
