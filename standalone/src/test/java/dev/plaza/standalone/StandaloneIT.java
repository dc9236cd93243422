package dev.plaza.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plaza.engines.EngineKind;
import dev.plaza.engines.Endpoints;
import dev.plaza.engines.Engines;
import dev.plaza.kit.config.ConfigException;
import dev.plaza.kit.config.ConfigLoader;
import dev.plaza.kit.http.HttpTestClient;
import dev.plaza.kit.http.HttpTestClient.Answer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The all-in-one process as {@code ./plaza up} runs it: real embedded engines under a data folder, every role, the
 * HTTP edge; then a second start on the same data folder still has what the first one stored.
 */
class StandaloneIT {
    @TempDir
    Path home;

    private Standalone start(String... extraSets) throws Exception {
        List<String> sets = new ArrayList<>(List.of(
                "http.port=0",
                "engines.dataDir=data",
                // OpenSearch and ZooKeeper have no user yet; leaving them out keeps the test JVM small
                "engines.kinds=MARIADB,REDIS,KAFKA",
                "account.bcryptCost=4",
                "log.level=WARN"));
        sets.addAll(List.of(extraSets));
        StandaloneConfig cfg = ConfigLoader.load(PlazaMain.DEFAULTS, Optional.empty(), Map.of(), sets)
                .bind(StandaloneConfig.class);
        Standalone plaza = new Standalone(cfg, home);
        plaza.start();
        return plaza;
    }

    @Test
    void servesTheProductAndKeepsDataAcrossRestarts() throws Exception {
        long mid;
        long aid;
        Standalone first = start();
        try {
            HttpTestClient http = HttpTestClient.local(first.httpPort());
            assertThat(http.get("/health/ready").send().status()).isEqualTo(200);

            // demo seed: three users and some videos on an empty install
            Answer demoLogin = http.post("/x/passport/login").param("username", "alice")
                    .param("password", "plaza-demo-2026").send();
            assertThat(demoLogin.code()).as(demoLogin.toString()).isZero();
            assertThat(http.get("/x/archive/list").send().data().path("page").path("count").asInt()).isPositive();

            Answer reg = http.post("/x/passport/register").param("username", "neo").param("password", "rabbit1234").send();
            assertThat(reg.code()).as(reg.toString()).isZero();
            mid = reg.data().path("mid").asLong();
            String token = http.post("/x/passport/login").param("username", "neo").param("password", "rabbit1234")
                    .send().data().path("token").asText();
            assertThat(http.get("/x/web-interface/nav").bearer(token).send().data().path("uname").asText()).isEqualTo("neo");

            Answer add = http.post("/x/archive/add").bearer(token).param("title", "Hello Plaza")
                    .param("duration", 42).param("media_url", "https://media.example/v.mp4").send();
            assertThat(add.code()).as(add.toString()).isZero();
            aid = add.data().path("aid").asLong();
            Answer view = http.get("/x/web-interface/view").param("aid", aid).send();
            assertThat(view.data().path("owner").path("name").asText()).isEqualTo("neo");
            assertThat(view.data().path("cid").asLong()).isEqualTo(add.data().path("cid").asLong());

            String metrics = http.get("/metrics").send().body();
            assertThat(metrics).contains("route=\"/x/passport/login\"").contains("route=\"/x/archive/add\"")
                    .contains("grpc_server_requests").contains("jvm_memory_used_bytes");
        } finally {
            first.stop();
        }
        assertThat(Files.isDirectory(home.resolve("data/mariadb"))).isTrue();

        Standalone second = start();
        try {
            HttpTestClient http = HttpTestClient.local(second.httpPort());
            Answer login = http.post("/x/passport/login").param("username", "neo").param("password", "rabbit1234").send();
            assertThat(login.code()).as(login.toString()).isZero();
            assertThat(login.data().path("mid").asLong()).isEqualTo(mid);
            assertThat(http.get("/x/web-interface/view").param("aid", aid).send().data().path("title").asText())
                    .isEqualTo("Hello Plaza");
            // the demo seed ran once only
            assertThat(http.post("/x/passport/register").param("username", "alice").param("password", "another123")
                    .send().code()).isEqualTo(61001);
        } finally {
            second.stop();
        }
    }

    @Test
    void runsOnExternalEnginesWhenEmbeddingIsOff() throws Exception {
        // "external" engines: started apart from Plaza, reached only through the configured addresses
        try (Engines external = Engines.start(home.resolve("external"),
                EnumSet.of(EngineKind.MARIADB, EngineKind.REDIS, EngineKind.KAFKA))) {
            Endpoints e = external.endpoints();
            Standalone plaza = start(
                    "engines.embedded=false",
                    "redis.uri=" + e.redisUri(),
                    "kafka.bootstrap=" + e.kafkaBootstrap(),
                    "account.db.jdbcUrl=" + e.jdbcUrl("ext_account"),
                    "account.db.user=" + e.mariadbUser(),
                    "account.db.password=" + e.mariadbPassword(),
                    "archive.db.jdbcUrl=" + e.jdbcUrl("ext_archive"),
                    "archive.db.user=" + e.mariadbUser(),
                    "archive.db.password=" + e.mariadbPassword(),
                    "demo.enabled=false");
            try {
                assertThat(Files.exists(home.resolve("data"))).as("no embedded engine started").isFalse();
                HttpTestClient http = HttpTestClient.local(plaza.httpPort());
                assertThat(http.post("/x/passport/register").param("username", "ext_user")
                        .param("password", "external1").send().code()).isZero();
                try (var c = java.sql.DriverManager.getConnection(e.jdbcUrl("ext_account"), e.mariadbUser(),
                        e.mariadbPassword());
                     var rs = c.createStatement().executeQuery("SELECT username FROM account_user")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("ext_user");
                }
            } finally {
                plaza.stop();
            }
        }
    }

    @Test
    void badConfigurationStopsStartUpNamingTheKey() {
        assertThatThrownBy(() -> ConfigLoader.load(PlazaMain.DEFAULTS, Optional.empty(), Map.of(),
                List.of("http.prot=1")).bind(StandaloneConfig.class))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.prot");
        assertThatThrownBy(() -> ConfigLoader.load(PlazaMain.DEFAULTS, Optional.empty(), Map.of(),
                List.of("http.port=abc")).bind(StandaloneConfig.class))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http.port");
        assertThatThrownBy(() -> ConfigLoader.load(PlazaMain.DEFAULTS, Optional.empty(),
                Map.of("PLAZA_ACCOUNT_BCRYPT_COST", "lots"), List.of()).bind(StandaloneConfig.class))
                .isInstanceOf(ConfigException.class).hasMessageContaining("account.bcryptCost");
    }
}
