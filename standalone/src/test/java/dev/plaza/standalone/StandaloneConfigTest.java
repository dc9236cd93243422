package dev.plaza.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.plaza.engines.Endpoints;
import dev.plaza.kit.breaker.BreakerConfig;
import dev.plaza.kit.breaker.RetryConfig;
import dev.plaza.kit.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The defaults bind, and the availability keys read as documented. */
class StandaloneConfigTest {
    @TempDir
    Path dir;

    private StandaloneConfig load(String yaml, String... sets) throws Exception {
        Path file = dir.resolve("plaza.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(PlazaMain.DEFAULTS, Optional.of(file), Map.of(), List.of(sets))
                .bind(StandaloneConfig.class);
    }

    @Test
    void theDefaultsBindWithTheLimiterOnAndTheEdgeBucketsOff() throws Exception {
        StandaloneConfig cfg = load("{}");
        assertThat(cfg.limiter().enabled()).isTrue();
        assertThat(cfg.limiter().cpuThreshold()).isEqualTo(800);
        assertThat(cfg.rateLimit().perIpRate()).isZero();
        assertThat(cfg.grpc().methodTimeouts()).isEmpty();
        assertThat(cfg.grpc().fallbacks()).containsExactly(new StandaloneConfig.MethodFallback(
                "plaza.account.v1.Account/GetProfiles", dev.plaza.kit.rpc.Fallback.STALE_OR_EMPTY));
    }

    @Test
    void thePerParameterQuotasBindAndZeroTurnsThemOff() throws Exception {
        StandaloneConfig cfg = load("{}");
        assertThat(cfg.comment().limits().perSubjectRate()).isEqualTo(50);
        assertThat(cfg.comment().limits().perSubjectBurst()).isEqualTo(200);
        assertThat(cfg.im().live().roomRate()).isEqualTo(100);
        assertThat(cfg.im().live().roomBurst()).isEqualTo(300);
        StandaloneConfig off = load("{}", "comment.limits.perSubjectRate=0", "im.live.roomRate=0");
        assertThat(off.comment().limits().perSubjectRate()).isZero();
        assertThat(off.im().live().roomRate()).isZero();
    }

    @Test
    void methodTimeoutsAreAListOfMethodAndTimeout() throws Exception {
        StandaloneConfig cfg = load("""
                grpc:
                  methodTimeouts:
                    - method: plaza.comment.v1.Comment/ListRoots
                      timeout: 800ms
                """, "rateLimit.perUserRate=20");
        assertThat(cfg.grpc().methodTimeouts()).containsExactly(new StandaloneConfig.MethodTimeout(
                "plaza.comment.v1.Comment/ListRoots", Duration.ofMillis(800)));
        assertThat(cfg.rateLimit().perUserRate()).isEqualTo(20);
        assertThatThrownBy(() -> load("""
                grpc:
                  methodTimeouts:
                    - method: ListRoots
                      timeout: 1s
                """)).hasMessageContaining("package.Service/Method");
    }

    @Test
    void theEnginesFileWrittenForRoleProcessesPointsEverySystemAtTheEngines() throws Exception {
        StandaloneConfig defaults = load("{}");
        Endpoints e = new Endpoints("127.0.0.1", 3307, "root", "", "127.0.0.1", 6380, "127.0.0.1:9093",
                "127.0.0.1:2182", "http://127.0.0.1:9201");
        StandaloneConfig cfg = load(new YAMLMapper().writeValueAsString(EnginesHost.settings(defaults, e)));
        assertThat(cfg.engines().embedded()).isFalse();
        assertThat(cfg.redis().uri()).isEqualTo("redis://127.0.0.1:6380");
        assertThat(cfg.kafka().bootstrap()).isEqualTo("127.0.0.1:9093");
        assertThat(cfg.discovery().zookeeper()).isEqualTo("127.0.0.1:2182");
        assertThat(cfg.opensearch().url()).isEqualTo("http://127.0.0.1:9201");
        assertThat(cfg.account().db().jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3307/plaza_account");
        assertThat(cfg.comment().db().databases()).singleElement()
                .satisfies(d -> assertThat(d.jdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3307/plaza_comment"));
        assertThat(cfg.im().pm().db().databases().get(0).connectionTimeout())
                .isEqualTo(defaults.im().pm().db().databases().get(0).connectionTimeout());
        assertThat(cfg.comment().db().subjectTables()).as("what the file does not name stays")
                .isEqualTo(defaults.comment().db().subjectTables());
    }

    @Test
    void discoveryKeysAreCheckedAndRolesParse() throws Exception {
        assertThat(load("{}").discovery().leaveDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> load("{}", "discovery.weight=0")).hasMessageContaining("discovery.weight");
        assertThat(Role.parse("comment-job")).isEqualTo(Role.COMMENT_JOB);
        assertThat(Role.COMMENT_ADMIN.cliName()).isEqualTo("comment-admin");
        assertThatThrownBy(() -> Role.parse("comments")).hasMessageContaining("unknown role 'comments'")
                .hasMessageContaining("im-comet");
    }

    @Test
    void clientSettingsApplyToEveryServiceAndAServiceMayReplaceThem() throws Exception {
        StandaloneConfig cfg = load("""
                grpc:
                  services:
                    - service: plaza.account.v1.Account
                      bulkhead: 200
                      breaker: {window: 5s, buckets: 20, k: 1.5, minRequests: 50}
                """);
        StandaloneConfig.Client base = cfg.grpc().client();
        assertThat(base.breaker()).isEqualTo(BreakerConfig.DEFAULT);
        assertThat(base.retry()).isEqualTo(RetryConfig.DEFAULT);
        assertThat(base.bulkhead()).isEqualTo(1000);
        StandaloneConfig.Client account = cfg.grpc().clientFor("plaza.account.v1.Account");
        assertThat(account.bulkhead()).isEqualTo(200);
        assertThat(account.breaker()).isEqualTo(new BreakerConfig(Duration.ofSeconds(5), 20, 1.5, 50));
        assertThat(account.retry()).as("not overridden").isEqualTo(RetryConfig.DEFAULT);
        assertThat(cfg.grpc().clientFor("plaza.comment.v1.Comment")).isEqualTo(base);
        assertThatThrownBy(() -> load("{grpc: {services: [{service: plaza.account.v1.Account, bulkhead: 0}]}}"))
                .hasMessageContaining("bulkhead");
        assertThatThrownBy(() -> load("{grpc: {client: {breaker: {k: 0.5}}}}")).hasMessageContaining("k");
    }
}
